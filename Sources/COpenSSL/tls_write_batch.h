// Batched TLS writes for the data plane (issue 12, item 3). Each CSTP frame stays one TLS record, because ocserv
// takes exactly one frame per record (worker-vpn.c parse_cstp_data: "unexpected CSTP length" ends the session
// otherwise); what is batched is the system call: the write BIO collects a loop turn's records and TLSClient.flush
// hands them to TCP with one send(). Reads keep OpenSSL's socket BIO, so poll() still sees every unread byte.
// Memory only (no socket header here, so the socket types stay Glibc's for Swift).
#ifndef SWIFTGATE_COPENSSL_TLS_WRITE_BATCH_H
#define SWIFTGATE_COPENSSL_TLS_WRITE_BATCH_H
#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>

// More than a loop turn's records (64 packets of up to 1.5 KB and their overhead); when a write finds it full,
// SSL_write reports WANT_WRITE: the back-pressure the data plane already handles (flush, then offer it again).
#define COPENSSL_TLS_WRITE_BATCH (256 * 1024)

typedef struct {
    BIO_METHOD *method;
    size_t used;
    unsigned char *bytes;
} COpenSSL_TLSWriteBatch;

static inline int COpenSSL_tls_write_batch_bio_write(BIO *bio, const char *in, int length) {
    COpenSSL_TLSWriteBatch *batch = (COpenSSL_TLSWriteBatch *)BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    if (batch->used + (size_t)length > COPENSSL_TLS_WRITE_BATCH) {
        BIO_set_retry_write(bio);
        return -1;
    }
    memcpy(batch->bytes + batch->used, in, (size_t)length);
    batch->used += (size_t)length;
    return length;
}

static inline long COpenSSL_tls_write_batch_bio_ctrl(BIO *bio, int command, long number, void *pointer) {
    (void)number;
    (void)pointer;
    COpenSSL_TLSWriteBatch *batch = (COpenSSL_TLSWriteBatch *)BIO_get_data(bio);
    switch (command) {
    // OpenSSL flushes after handshake messages (a TLS 1.3 KeyUpdate): they go out with the turn's flush.
    case BIO_CTRL_FLUSH: return 1;
    case BIO_CTRL_WPENDING: return (long)batch->used;
    default: return 0;
    }
}

static inline void COpenSSL_tls_write_batch_free(COpenSSL_TLSWriteBatch *batch) {
    if (!batch) return;
    if (batch->method) BIO_meth_free(batch->method);
    free(batch->bytes);
    free(batch);
}

/// A batch; NULL when out of memory.
static inline COpenSSL_TLSWriteBatch *COpenSSL_tls_write_batch_new(void) {
    COpenSSL_TLSWriteBatch *batch = (COpenSSL_TLSWriteBatch *)calloc(1, sizeof(COpenSSL_TLSWriteBatch));
    if (!batch) return NULL;
    batch->bytes = (unsigned char *)malloc(COPENSSL_TLS_WRITE_BATCH);
    batch->method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "swiftgate TLS write batch");
    if (!batch->bytes || !batch->method
        || !BIO_meth_set_write(batch->method, COpenSSL_tls_write_batch_bio_write)
        || !BIO_meth_set_ctrl(batch->method, COpenSSL_tls_write_batch_bio_ctrl)) {
        COpenSSL_tls_write_batch_free(batch);
        return NULL;
    }
    return batch;
}

/// The first `count` bytes went to TCP: the rest moves to the front.
static inline void COpenSSL_tls_write_batch_consumed(COpenSSL_TLSWriteBatch *batch, size_t count) {
    if (count >= batch->used) {
        batch->used = 0;
        return;
    }
    memmove(batch->bytes, batch->bytes + count, batch->used - count);
    batch->used -= count;
}

/// Makes `batch` the write side of `ssl` (the read side keeps its socket BIO); 1 on success. The batch must
/// outlive `ssl`'s use of it.
static inline int COpenSSL_tls_write_batch_attach(SSL *ssl, COpenSSL_TLSWriteBatch *batch) {
    BIO *reading = SSL_get_rbio(ssl);
    if (!reading) return 0;
    BIO *bio = BIO_new(batch->method);
    if (!bio) return 0;
    BIO_set_data(bio, batch);
    BIO_set_init(bio, 1);
    // SSL_set_fd gave one socket BIO two references, one per side; with only the write side changed, SSL_set_bio
    // drops the write side's and takes `bio`'s (ssl_lib.c SSL_set_bio, SSL_set0_wbio).
    SSL_set_bio(ssl, reading, bio);
    return 1;
}
#endif
