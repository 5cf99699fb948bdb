// Small cryptographic helpers over OpenSSL: random tokens and digests.
#pragma once

#include <string>
#include <string_view>

namespace stio {

// `bytes` cryptographically random bytes, encoded as unpadded base64url (URL- and cookie-safe).
std::string RandomToken(size_t bytes = 32);
// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// Constant-time equality for secrets of equal length (false if lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace stio
