// Batched DTLS datagrams for the data plane (issue 12, item 3): a BIO that hands OpenSSL one received datagram at
// a time from a batch (CLinux_recv_batch: one recvmmsg), and collects each record OpenSSL writes into a slot of a
// batch that CLinux_send_batch sends with one sendmmsg. OpenSSL's DTLS writes one record per BIO_write and reads one
// datagram per BIO_read (read-ahead on), so datagram boundaries survive. Memory only: no socket header here, so
// the socket types stay Glibc's for Swift. Used after the handshake, by one data plane thread.
#ifndef SWIFTGATE_COPENSSL_DTLS_BATCH_H
#define SWIFTGATE_COPENSSL_DTLS_BATCH_H
#include <openssl/bio.h>
#include <stdlib.h>
#include <string.h>

#define COPENSSL_DTLS_BATCH 32
// The largest slot: a whole DTLS record of the largest plaintext and its overhead. A batch's slots are sized for
// the link's datagrams (COpenSSL_dtls_batch_new), so a batch spans a few dozen pages, not half a megabyte; a
// longer datagram is cut and then fails its MAC, as a datagram BIO with a short buffer would.
#define COPENSSL_DTLS_SLOT_MAX (16384 + 512)

typedef struct {
    long mtuOverhead;
    BIO_METHOD *method;
    // Received: `inCount` datagrams in `inSlots` (lengths in `inLengths`), `inNext` the next one to feed.
    int inCount, inNext;
    const unsigned char *feed;
    size_t feedLength;
    // To send: `outCount` records in `outSlots`.
    int outCount;
    size_t slotSize;
    unsigned char *inSlots, *outSlots;
    unsigned int inLengths[COPENSSL_DTLS_BATCH], outLengths[COPENSSL_DTLS_BATCH];
} COpenSSL_DTLSBatch;

// Hands the next received datagram to the BIO's next read; 0 when the batch is used up.
static inline int COpenSSL_dtls_batch_feed_next(COpenSSL_DTLSBatch *batch) {
    if (batch->inNext >= batch->inCount) return 0;
    int slot = batch->inNext++;
    batch->feed = batch->inSlots + (size_t)slot * batch->slotSize;
    batch->feedLength = batch->inLengths[slot];
    return 1;
}

static inline int COpenSSL_dtls_batch_bio_read(BIO *bio, char *out, int length) {
    COpenSSL_DTLSBatch *batch = (COpenSSL_DTLSBatch *)BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    // The next datagram of the batch when the last was taken: one SSL_read per record, not two.
    if (!batch->feed) COpenSSL_dtls_batch_feed_next(batch);
    if (!batch->feed) {
        BIO_set_retry_read(bio);
        return -1;
    }
    size_t count = batch->feedLength < (size_t)length ? batch->feedLength : (size_t)length;
    memcpy(out, batch->feed, count);
    batch->feed = NULL;
    batch->feedLength = 0;
    return (int)count;
}

static inline int COpenSSL_dtls_batch_bio_write(BIO *bio, const char *in, int length) {
    COpenSSL_DTLSBatch *batch = (COpenSSL_DTLSBatch *)BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    if (batch->outCount == COPENSSL_DTLS_BATCH) {
        BIO_set_retry_write(bio);
        return -1;
    }
    if ((size_t)length > batch->slotSize) return length;  // larger than any datagram the link carries: dropped
    int slot = batch->outCount++;
    memcpy(batch->outSlots + (size_t)slot * batch->slotSize, in, (size_t)length);
    batch->outLengths[slot] = (unsigned int)length;
    return length;
}

static inline long COpenSSL_dtls_batch_bio_ctrl(BIO *bio, int command, long number, void *pointer) {
    (void)number;
    (void)pointer;
    COpenSSL_DTLSBatch *batch = (COpenSSL_DTLSBatch *)BIO_get_data(bio);
    switch (command) {
    case BIO_CTRL_FLUSH: return 1;
    case BIO_CTRL_PENDING: return batch->feed ? (long)batch->feedLength : 0;
    case BIO_CTRL_WPENDING: return 0;
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD: return batch->mtuOverhead;
    default: return 0;  // no MTU discovery (SSL_OP_NO_QUERY_MTU), no peer changes: a connected socket
    }
}

static inline void COpenSSL_dtls_batch_free(COpenSSL_DTLSBatch *batch) {
    if (!batch) return;
    if (batch->method) BIO_meth_free(batch->method);
    free(batch->inSlots);
    free(batch->outSlots);
    free(batch);
}

/// A batch; NULL when out of memory. `mtuOverhead` is what the datagram BIO it replaces said (IP and UDP);
/// `largestDatagram` the most one datagram of the link holds (slots are that, in whole cache lines, up to the max).
static inline COpenSSL_DTLSBatch *COpenSSL_dtls_batch_new(long mtuOverhead, size_t largestDatagram) {
    COpenSSL_DTLSBatch *batch = (COpenSSL_DTLSBatch *)calloc(1, sizeof(COpenSSL_DTLSBatch));
    if (!batch) return NULL;
    batch->mtuOverhead = mtuOverhead;
    size_t slot = (largestDatagram + 63) & ~(size_t)63;
    batch->slotSize = slot > COPENSSL_DTLS_SLOT_MAX ? COPENSSL_DTLS_SLOT_MAX : slot;
    batch->inSlots = (unsigned char *)malloc((size_t)COPENSSL_DTLS_BATCH * batch->slotSize);
    batch->outSlots = (unsigned char *)malloc((size_t)COPENSSL_DTLS_BATCH * batch->slotSize);
    batch->method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "swiftgate DTLS batch");
    if (!batch->inSlots || !batch->outSlots || !batch->method
        || !BIO_meth_set_read(batch->method, COpenSSL_dtls_batch_bio_read)
        || !BIO_meth_set_write(batch->method, COpenSSL_dtls_batch_bio_write)
        || !BIO_meth_set_ctrl(batch->method, COpenSSL_dtls_batch_bio_ctrl)) {
        COpenSSL_dtls_batch_free(batch);
        return NULL;
    }
    return batch;
}

/// A BIO over `batch` (the batch must outlive it); NULL when out of memory.
static inline BIO *COpenSSL_dtls_batch_bio(COpenSSL_DTLSBatch *batch) {
    BIO *bio = BIO_new(batch->method);
    if (!bio) return NULL;
    BIO_set_data(bio, batch);
    BIO_set_init(bio, 1);
    return bio;
}

static inline size_t COpenSSL_dtls_batch_slot_size(const COpenSSL_DTLSBatch *batch) { return batch->slotSize; }
static inline unsigned char *COpenSSL_dtls_batch_in_slots(COpenSSL_DTLSBatch *batch) { return batch->inSlots; }
static inline unsigned int *COpenSSL_dtls_batch_in_lengths(COpenSSL_DTLSBatch *batch) { return batch->inLengths; }
static inline unsigned char *COpenSSL_dtls_batch_out_slots(COpenSSL_DTLSBatch *batch) { return batch->outSlots; }
static inline unsigned int *COpenSSL_dtls_batch_out_lengths(COpenSSL_DTLSBatch *batch) { return batch->outLengths; }

/// `count` datagrams arrived in the in-slots: they are fed to OpenSSL one per read from the first.
static inline void COpenSSL_dtls_batch_received(COpenSSL_DTLSBatch *batch, int count) {
    batch->inCount = count < 0 ? 0 : count;
    batch->inNext = 0;
}

static inline int COpenSSL_dtls_batch_pending_sends(const COpenSSL_DTLSBatch *batch) { return batch->outCount; }
static inline void COpenSSL_dtls_batch_sent(COpenSSL_DTLSBatch *batch) { batch->outCount = 0; }
#endif
