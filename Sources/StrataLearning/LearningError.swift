/// An error from StrataLearning: a stable code plus a human message that names the problem
/// (the file, the row, the flag or the precondition that failed).
public struct LearningError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// A data file is missing or cannot be read.
        case dataMissing = "data_missing"
        /// A gzip stream is truncated or corrupt.
        case corruptGzip = "corrupt_gzip"
        /// An IDX file has a wrong magic number, wrong dimensions or a wrong length.
        case badIDX = "bad_idx"
        /// A CSV file has a wrong column count or a value out of range.
        case badCSV = "bad_csv"
        /// An argument is out of its documented range.
        case invalidArgument = "invalid_argument"
        /// Parameter vectors or datasets do not have the shape the operation needs.
        case shapeMismatch = "shape_mismatch"
        /// A parameter vector holds NaN or an infinity.
        case nonFinite = "non_finite"
        /// An aggregation rule's precondition fails (e.g. Krum needs n > 2f + 2).
        case precondition = "precondition_failed"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
