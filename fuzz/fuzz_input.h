// Reads a fuzzer's bytes as typed values, front to back. Past the end every
// value is zero or empty, so a target never has to check the length.
#ifndef LOV_FUZZ_FUZZ_INPUT_H_
#define LOV_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace lov::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size)
      : data_(reinterpret_cast<const char*>(data)), size_(size) {}

  uint8_t Byte() {
    if (pos_ >= size_) return 0;
    return static_cast<uint8_t>(data_[pos_++]);
  }

  int64_t Int64() {
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits = bits << 8 | Byte();
    int64_t value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }

  // A piece of at most 65535 bytes, its length in the two bytes before it.
  std::string Piece() {
    const size_t length = size_t{Byte()} << 8 | Byte();
    return Take(length);
  }

  std::string Rest() { return Take(size_ - pos_); }

  bool AtEnd() const { return pos_ >= size_; }

 private:
  std::string Take(size_t length) {
    const size_t n = length < size_ - pos_ ? length : size_ - pos_;
    std::string out(data_ + pos_, n);
    pos_ += n;
    return out;
  }

  const char* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace lov::fuzz

#endif  // LOV_FUZZ_FUZZ_INPUT_H_
