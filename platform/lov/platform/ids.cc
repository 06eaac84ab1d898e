#include "lov/platform/ids.h"

#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <random>

namespace lov {
namespace {

// Seeds with 256 bits from the OS so that generators in different threads
// and processes do not share a sequence.
std::mt19937_64 MakeSeededGenerator() {
  std::random_device device;
  std::array<std::random_device::result_type, 8> seed_words;
  for (auto& word : seed_words) word = device();
  std::seed_seq seed(seed_words.begin(), seed_words.end());
  return std::mt19937_64(seed);
}

std::string Format(const std::array<uint8_t, 16>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string uuid;
  uuid.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) uuid += '-';
    uuid += kHex[bytes[i] >> 4];
    uuid += kHex[bytes[i] & 0x0f];
  }
  return uuid;
}

// The platform's name-space id (random, fixed for ever: changing it would
// change every derived event id).
constexpr std::array<uint8_t, 16> kNamespace = {
    0x6b, 0x1e, 0x0f, 0x52, 0x3c, 0x8d, 0x4a, 0x77,
    0x9e, 0x21, 0x5d, 0xc4, 0x08, 0xb3, 0xf6, 0x19};

}  // namespace

std::string NameUuid(const std::string& name) {
  std::string input(kNamespace.begin(), kNamespace.end());
  input += name;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
       digest);
  std::array<uint8_t, 16> bytes;
  for (int i = 0; i < 16; ++i) bytes[i] = digest[i];
  bytes[6] = (bytes[6] & 0x0f) | 0x50;  // Version 5: name-based, SHA-1.
  bytes[8] = (bytes[8] & 0x3f) | 0x80;  // Variant 10: RFC 4122.
  return Format(bytes);
}

std::string NewUuid() {
  thread_local std::mt19937_64 generator = MakeSeededGenerator();
  std::array<uint8_t, 16> bytes;
  for (int half = 0; half < 2; ++half) {
    const uint64_t random = generator();
    for (int i = 0; i < 8; ++i)
      bytes[half * 8 + i] = (random >> (8 * i)) & 0xff;
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x40;  // Version 4: random.
  bytes[8] = (bytes[8] & 0x3f) | 0x80;  // Variant 10: RFC 4122.
  return Format(bytes);
}

}  // namespace lov
