// keyward never opens a network connection, yet Debian's libgit2 (built with mbedTLS) parses the system's whole
// CA bundle when it initialises: about 5 ms, a seventh of a pre-commit run. These definitions in the executable
// take the place of mbedTLS's for libgit2 (the dynamic linker looks in the executable first), so nothing is
// parsed. Were libgit2 ever to open a TLS connection, verification would fail: it fails closed.
// With a libgit2 built on OpenSSL instead, nothing calls them.
extern "C" {

int mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) { return 0; }
int mbedtls_x509_crt_parse_path(void* /*chain*/, const char* /*path*/) { return 0; }

}  // extern "C"
