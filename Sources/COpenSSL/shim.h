#ifndef STRATA_COPENSSL_SHIM_H
#define STRATA_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/bio.h>

/* BIO_get_mem_data is a macro; Swift cannot call macros with arguments. */
static inline long BIO_get_mem_data_shim(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }
#endif
