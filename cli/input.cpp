#include "input.hpp"

#include <sys/mman.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace psyscore::cli {

namespace {

// Reads of this size keep system calls few and the buffers small.
constexpr std::size_t kBlockBytes = 1 << 20;

}  // namespace

InputText::InputText(InputText&& other) noexcept
    : bytes_(std::move(other.bytes_)),
      mapping_(std::exchange(other.mapping_, nullptr)),
      size_(other.size_),
      offset_(other.offset_) {}

InputText& InputText::operator=(InputText&& other) noexcept {
  if (this != &other) {
    unmap();
    bytes_ = std::move(other.bytes_);
    mapping_ = std::exchange(other.mapping_, nullptr);
    size_ = other.size_;
    offset_ = other.offset_;
  }
  return *this;
}

InputText::~InputText() { unmap(); }

void InputText::unmap() {
  if (mapping_) munmap(const_cast<char*>(mapping_), size_);
  mapping_ = nullptr;
}

void InputStream::Closer::operator()(std::FILE* file) const { std::fclose(file); }

Result<InputStream> InputStream::open(const std::string& path) {
  InputStream input;
  if (path == "-") {
    input.stream_ = stdin;
    input.source_ = "<stdin>";
  } else {
    input.file_.reset(std::fopen(path.c_str(), "rb"));
    if (!input.file_) {
      return std::unexpected(Error::single(ErrorCode::not_found,
                                           {.source = path, .code = "not_found", .message = "cannot open the file"}));
    }
    input.stream_ = input.file_.get();
    input.source_ = path;
  }
  // A pipe cannot tell its position; a file, even as standard input, can.
  input.start_ = std::ftell(input.stream_);
  input.seekable_ = input.start_ >= 0 && std::fseek(input.stream_, input.start_, SEEK_SET) == 0;
  return input;
}

Error InputStream::read_error() const {
  return Error::single(ErrorCode::io_error, {.source = source_,
                                             .code = "io_error",
                                             .message = std::string("cannot read the input: ") + std::strerror(errno)});
}

Result<std::size_t> InputStream::read(std::string& buffer, std::size_t max_bytes) {
  if (replaying_ && replay_ < kept_.size()) {
    std::string& block = kept_[replay_];
    const std::size_t size = std::min(max_bytes, block.size() - replay_offset_);
    buffer.append(block, replay_offset_, size);
    replay_offset_ += size;
    if (replay_offset_ == block.size()) {
      if (!keep_) std::string().swap(block);  // read_all(): the block is copied, free it
      ++replay_;
      replay_offset_ = 0;
    }
    return size;
  }
  replaying_ = false;  // the kept bytes are served; go on with the pipe
  const std::size_t old_size = buffer.size();
  buffer.resize(old_size + max_bytes);
  const std::size_t size = std::fread(buffer.data() + old_size, 1, max_bytes, stream_);
  buffer.resize(old_size + size);
  if (size == 0 && std::ferror(stream_)) return std::unexpected(read_error());
  if (!seekable_ && keep_ && size > 0) kept_.emplace_back(buffer, old_size, size);
  return size;
}

Result<void> InputStream::rewind() {
  if (seekable_) {
    if (std::fseek(stream_, start_, SEEK_SET) != 0) return std::unexpected(read_error());
    return {};
  }
  replaying_ = true;
  replay_ = 0;
  replay_offset_ = 0;
  return {};
}

Result<InputText> InputStream::read_all() {
  // A regular file is mapped whole, its pages read ahead (MAP_POPULATE).
  struct stat status {};
  if (seekable_ && fstat(fileno(stream_), &status) == 0 && S_ISREG(status.st_mode) && status.st_size > start_) {
    const auto size = static_cast<std::size_t>(status.st_size);
    void* mapping = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fileno(stream_), 0);
    if (mapping != MAP_FAILED) {
      InputText text;
      text.mapping_ = static_cast<const char*>(mapping);
      text.size_ = size;
      text.offset_ = static_cast<std::size_t>(start_);
      return text;
    }
  }

  if (auto rewound = rewind(); !rewound) return std::unexpected(std::move(rewound.error()));
  std::string bytes;
  keep_ = false;  // read once: nothing to keep for another pass
  while (true) {
    auto size = read(bytes, kBlockBytes);
    if (!size) return std::unexpected(std::move(size.error()));
    if (*size == 0) return InputText(std::move(bytes));
  }
}

}  // namespace psyscore::cli
