/*
 * A FAKE signer library for tests: it exports the symbols of the lighter-sdk 1.1.8 signer but is
 * not that signer. ccxt-lighter's load-time check must refuse every variant:
 *
 *   (default)              fields echoed correctly, but tx_hash is not the Poseidon2 hash
 *   -DFAKE_SWAP_PRICES     Price and TriggerPrice swapped in tx_info (argument-order drift)
 *   -DFAKE_OMIT_MARKER     SignBinaryOptionsOperatorSettleMarket missing (older ABI generation)
 *   -DFAKE_EXPORT_SWITCH   exports SwitchAPIKey (a superseded ABI's symbol)
 *
 * fake_free_count() returns how many times Free() was called.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct { char* str; char* err; } StrOrErr;
typedef struct { uint8_t txType; char* txInfo; char* txHash; char* messageToSign; char* err; } SignedTxResponse;
typedef struct { char* privateKey; char* publicKey; char* err; } ApiKeyResponse;
typedef struct {
    int64_t MarketIndex; int64_t ClientOrderIndex; int64_t BaseAmount; uint32_t Price;
    uint8_t IsAsk; uint8_t Type; uint8_t TimeInForce; uint8_t ReduceOnly; uint32_t TriggerPrice;
    int64_t OrderExpiry;
} CreateOrderTxReq;

static int free_count = 0;
int fake_free_count(void) { return free_count; }
void Free(void* ptr) { free_count++; free(ptr); }

static char* dup(const char* s) { char* p = malloc(strlen(s) + 1); strcpy(p, s); return p; }
static SignedTxResponse fail(const char* msg) { SignedTxResponse r = {0}; r.err = dup(msg); return r; }

static long long now_ms(void) {
    struct timespec ts; clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 80 zero bytes in base64 */
static const char* SIG = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

ApiKeyResponse GenerateAPIKey(void) {
    ApiKeyResponse r = {0};
    r.privateKey = dup("0x0101010101010101010101010101010101010101010101010101010101010101010101010101010101");
    r.publicKey = dup("0x0202020202020202020202020202020202020202020202020202020202020202020202020202020202");
    return r;
}
char* CreateClient(char* url, char* key, int chain, int api_key, long long account) { return NULL; }
char* CheckClient(int api_key, long long account) { return dup("fake"); }
StrOrErr CreateAuthToken(long long deadline, int api_key, long long account) {
    StrOrErr r = {0}; r.err = dup("fake library"); return r;
}

static void attrs(char* out, size_t n, long long integ, int taker, int maker, uint8_t st_b, uint8_t st_e, uint8_t skip) {
    char buf[256] = "";
    int first = 1;
#define ADD(k, v) do { if (v) { char t[64]; snprintf(t, sizeof t, "%s\"%s\":%lld", first ? "" : ",", k, (long long)(v)); strcat(buf, t); first = 0; } } while (0)
    ADD("1", integ); ADD("2", taker); ADD("3", maker); ADD("4", skip); ADD("6", st_b); ADD("7", st_e);
    if (first) snprintf(out, n, "null"); else snprintf(out, n, "{%s}", buf);
}

SignedTxResponse SignCreateOrder(long long market, long long coi, long long base, int price, int is_ask, int type,
                                 int tif, int reduce_only, int trigger, long long expiry, long long integ,
                                 int taker, int maker, uint8_t st_b, uint8_t st_e, uint8_t skip, long long nonce,
                                 int api_key, long long account) {
    char at[300], info[2048];
    uint32_t p = (uint32_t)price, t = (uint32_t)trigger;
#ifdef FAKE_SWAP_PRICES
    uint32_t tmp = p; p = t; t = tmp;
#endif
    attrs(at, sizeof at, integ, taker, maker, st_b, st_e, skip);
    snprintf(info, sizeof info,
             "{\"AccountIndex\":%lld,\"ApiKeyIndex\":%d,\"MarketIndex\":%lld,\"ClientOrderIndex\":%lld,"
             "\"BaseAmount\":%lld,\"Price\":%u,\"IsAsk\":%d,\"Type\":%d,\"TimeInForce\":%d,\"ReduceOnly\":%d,"
             "\"TriggerPrice\":%u,\"OrderExpiry\":%lld,\"ExpiredAt\":%lld,\"Nonce\":%lld,\"Sig\":\"%s\","
             "\"L2TxAttributes\":%s}",
             account, api_key, market, coi, base, p, is_ask, type, tif, reduce_only, t, expiry,
             now_ms() + 599000, nonce, SIG, at);
    SignedTxResponse r = {0};
    r.txType = 14;
    r.txInfo = dup(info);
    r.txHash = dup("abababababababababababababababababababababababababababababababababababababababab");
    return r;
}

#define NOT_IMPLEMENTED return fail("fake library: not implemented")
SignedTxResponse SignChangePubKey(char* k, uint8_t s, long long n, int a, long long c) { NOT_IMPLEMENTED; }
SignedTxResponse SignCreateGroupedOrders(uint8_t g, CreateOrderTxReq* o, int len, long long i, int t, int m,
                                         uint8_t b, uint8_t e, uint8_t s, long long n, int a, long long c) { NOT_IMPLEMENTED; }
SignedTxResponse SignCancelOrder(long long m, long long i, uint8_t s, long long n, int a, long long c) { NOT_IMPLEMENTED; }
SignedTxResponse SignCancelAllOrders(int t, long long tm, long long m, uint8_t s, long long n, int a, long long c) { NOT_IMPLEMENTED; }
SignedTxResponse SignModifyOrder(long long m, long long i, long long b, long long p, long long t, long long ia, int it,
                                 int im, uint8_t sb, uint8_t se, uint8_t s, long long n, long long v, int a,
                                 long long c) { NOT_IMPLEMENTED; }
SignedTxResponse SignWithdraw(int as, int r, unsigned long long am, uint8_t s, long long n, int a, long long c) { NOT_IMPLEMENTED; }
SignedTxResponse SignTransfer(long long to, int16_t as, uint8_t f, uint8_t t, long long am, long long fee, char* memo,
                              uint8_t s, long long n, int a, long long c) { NOT_IMPLEMENTED; }
SignedTxResponse SignCreateSubAccount(uint8_t s, long long n, int a, long long c) { NOT_IMPLEMENTED; }
SignedTxResponse SignUpdateLeverage(long long m, int f, int mm, uint8_t s, long long n, int a, long long c) { NOT_IMPLEMENTED; }
SignedTxResponse SignUpdateMargin(long long m, long long u, int d, uint8_t s, long long n, int a, long long c) { NOT_IMPLEMENTED; }
SignedTxResponse SignApproveIntegrator(long long i, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, long long e,
                                       uint8_t s, long long n, int a, long long c) { NOT_IMPLEMENTED; }
SignedTxResponse SignBinaryOptionsOperatorCreateMarket(void* r, uint8_t s, long long n, int a, long long c) { NOT_IMPLEMENTED; }
SignedTxResponse SignBinaryOptionsOperatorUpdateMarket(void* r, uint8_t s, long long n, int a, long long c) { NOT_IMPLEMENTED; }
#ifndef FAKE_OMIT_MARKER
SignedTxResponse SignBinaryOptionsOperatorSettleMarket(void* r, uint8_t s, long long n, int a, long long c) { NOT_IMPLEMENTED; }
#endif
#ifdef FAKE_EXPORT_SWITCH
char* SwitchAPIKey(int c) { return NULL; }
#endif
