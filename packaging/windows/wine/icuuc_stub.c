/* Test machines only (Wine 8), never shipped: Windows 10 1903+ has a system icuuc.dll, Wine 8 does not.
 *
 * Qt6Core (PySide6 6.12) imports these ucnv_* functions from the system's icuuc.dll. Every converter fails to
 * open here, so QStringConverter falls back to Qt's built-in UTF-8/16/32 and Latin-1 codecs, which is all
 * Recipro uses. packaging/windows/test-under-wine.sh builds this into the Wine prefix's system32 and checks
 * that no bundle carries it. */
#include <stddef.h>
#include <stdint.h>

typedef int UErrorCode;
#define EXPORT __declspec(dllexport)
#define U_UNSUPPORTED_ERROR 16
#define U_FILE_ACCESS_ERROR 4

static void fail(UErrorCode *err) { if (err && *err <= 0) *err = U_UNSUPPORTED_ERROR; }

EXPORT void *ucnv_open(const char *name, UErrorCode *err) { if (err && *err <= 0) *err = U_FILE_ACCESS_ERROR; return NULL; }
EXPORT void ucnv_close(void *cnv) {}
EXPORT void ucnv_reset(void *cnv) {}
EXPORT int8_t ucnv_getMaxCharSize(const void *cnv) { return 1; }
EXPORT const char *ucnv_getName(const void *cnv, UErrorCode *err) { fail(err); return ""; }
EXPORT const char *ucnv_getStandardName(const char *name, const char *standard, UErrorCode *err) { return NULL; }
EXPORT const char *ucnv_getAvailableName(int32_t n) { return NULL; }
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
EXPORT int32_t ucnv_toUCountPending(const void *cnv, UErrorCode *err) { return 0; }
EXPORT int32_t ucnv_fromUCountPending(const void *cnv, UErrorCode *err) { return 0; }
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(void *ctx, void *args, const void *units, int32_t len, int32_t cp,
                                            int reason, UErrorCode *err) { fail(err); }
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(void *ctx, void *args, const char *units, int32_t len, int reason,
                                          UErrorCode *err) { fail(err); }
EXPORT void ucnv_getToUCallBack(const void *cnv, void **action, const void **ctx) {
    if (action) *action = NULL;
    if (ctx) *ctx = NULL;
}
EXPORT void ucnv_getFromUCallBack(const void *cnv, void **action, const void **ctx) {
    if (action) *action = NULL;
    if (ctx) *ctx = NULL;
}
EXPORT void ucnv_setToUCallBack(void *cnv, void *action, const void *ctx, void **old_action, const void **old_ctx,
                                UErrorCode *err) {
    if (old_action) *old_action = NULL;
    if (old_ctx) *old_ctx = NULL;
}
EXPORT void ucnv_setFromUCallBack(void *cnv, void *action, const void *ctx, void **old_action, const void **old_ctx,
                                  UErrorCode *err) {
    if (old_action) *old_action = NULL;
    if (old_ctx) *old_ctx = NULL;
}
EXPORT void ucnv_cbToUWriteUChars(void *args, const uint16_t *source, int32_t length, int32_t offset,
                                  UErrorCode *err) { fail(err); }
EXPORT void ucnv_cbFromUWriteUChars(void *args, const uint16_t **source, const uint16_t *limit, int32_t offset,
                                    UErrorCode *err) { fail(err); }
EXPORT void ucnv_toUnicode(void *cnv, uint16_t **target, const uint16_t *target_limit, const char **source,
                           const char *source_limit, int32_t *offsets, int flush, UErrorCode *err) { fail(err); }
EXPORT void ucnv_fromUnicode(void *cnv, char **target, const char *target_limit, const uint16_t **source,
                             const uint16_t *source_limit, int32_t *offsets, int flush, UErrorCode *err) { fail(err); }
