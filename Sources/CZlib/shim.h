#ifndef STRATA_CZLIB_SHIM_H
#define STRATA_CZLIB_SHIM_H
#include <zlib.h>
/* inflateInit2 is a macro Swift cannot call: this opens a stream that reads gzip framing only. */
static inline int strata_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 16 + MAX_WBITS);
}
#endif
