import CStrataKernels

/// The code that runs the dense-layer products of local training (`TrainingWorkspace`).
///
/// Both compute the same SGD step; they differ in summation order, so results agree to rounding,
/// not bit for bit. `best` is what training uses unless told otherwise.
public enum TrainingKernel: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Strata's register-blocked AVX-512 kernels (CStrataKernels), no BLAS call in the step.
    /// Needs AVX-512F/DQ and FMA, checked once at run time (`simdAvailable`).
    case simd
    /// OpenBLAS `cblas_sgemm` for every product: runs on any CPU.
    case blas

    /// Whether this CPU can run `.simd`.
    public static let simdAvailable = strata_simd_available() != 0

    /// The fastest kernel this CPU runs: `.simd` with AVX-512, otherwise `.blas`.
    public static var best: TrainingKernel { simdAvailable ? .simd : .blas }

    public var description: String { rawValue }

    /// Refuses a kernel this CPU cannot run.
    func requireAvailable() throws {
        guard self != .simd || Self.simdAvailable else {
            throw LearningError(.invalidArgument, "the simd training kernel needs AVX-512F/DQ and FMA, which this CPU lacks; use blas")
        }
    }
}
