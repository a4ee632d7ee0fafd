/* bcryptprimitives.dll for Wine 8 (Debian 12), which lacks it: Rust's standard library
 * takes its random numbers from ProcessPrng there, so no Rust test binary starts without
 * it. scripts/test-windows builds this with MinGW into the Wine prefix it runs the unit
 * tests in; Windows itself, and Wine 9 and later, have the real DLL. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
