/* Test machines only (Wine 8), never shipped: Windows 10 has bcryptprimitives.dll!ProcessPrng, Wine 8 does not.
 *
 * Rust's standard library (>= 1.78), inside cryptography's compiled core, takes its random bytes from
 * ProcessPrng. This one hands out the system RNG through BCryptGenRandom, in chunks it accepts. */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size) {
    while (size > 0) {
        ULONG chunk = size > 0x40000000 ? 0x40000000 : (ULONG)size;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
