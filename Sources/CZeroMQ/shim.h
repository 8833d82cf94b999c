#ifndef STRATA_CZEROMQ_SHIM_H
#define STRATA_CZEROMQ_SHIM_H
#include <zmq.h>
#endif
