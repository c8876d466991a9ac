// Reading a responses file, or standard input, for the subcommands.
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "psyscore/errors.hpp"

namespace psyscore::cli {

// The whole of an input in memory: a file mapped (no copy, and no fresh
// memory to fault in), or the bytes read from a pipe. Move-only.
class InputText {
 public:
  InputText() = default;
  explicit InputText(std::string bytes) : bytes_(std::move(bytes)) {}
  InputText(InputText&& other) noexcept;
  InputText& operator=(InputText&& other) noexcept;
  ~InputText();

  std::string_view view() const { return mapping_ ? std::string_view(mapping_ + offset_, size_ - offset_) : bytes_; }

 private:
  friend class InputStream;
  void unmap();

  std::string bytes_;
  const char* mapping_ = nullptr;  // when the file is mapped
  std::size_t size_ = 0;           // of the mapping
  std::size_t offset_ = 0;         // where the input starts in it
};

// The bytes of a responses file, or of standard input for "-", read a block
// at a time, and again from the start after rewind(): the streaming `score`
// reads its input twice, once to check it and once to score it.
//
// A file (or standard input redirected from one) is read again from the
// disk's cache. A pipe cannot be read twice, so its bytes are kept as they
// are read, in blocks, which costs about the size of the input in memory
// but no copy as it grows.
class InputStream {
 public:
  // Opens `path`, or standard input for "-". A file that cannot be opened
  // gives ErrorCode::not_found.
  static Result<InputStream> open(const std::string& path);

  // The name for messages: the path, or "<stdin>".
  const std::string& source() const { return source_; }

  // Appends up to `max_bytes` bytes to `buffer`; returns how many, 0 at the
  // end of the input. A read error gives ErrorCode::io_error.
  Result<std::size_t> read(std::string& buffer, std::size_t max_bytes);

  // Reads the input from its first byte again.
  Result<void> rewind();

  // The whole input, from its first byte.
  Result<InputText> read_all();

 private:
  struct Closer {
    void operator()(std::FILE* file) const;
  };

  InputStream() = default;
  Error read_error() const;

  std::unique_ptr<std::FILE, Closer> file_;  // null for standard input
  std::FILE* stream_ = nullptr;              // file_ or stdin
  std::string source_;
  bool seekable_ = false;
  long start_ = 0;  // offset of the first byte, for rewind()

  // A pipe's bytes, kept for a second pass (while keep_); replay_ is the
  // next block to serve from them (and replay_offset_ within it) after
  // rewind().
  std::vector<std::string> kept_;
  bool keep_ = true;
  bool replaying_ = false;
  std::size_t replay_ = 0;
  std::size_t replay_offset_ = 0;
};

}  // namespace psyscore::cli
