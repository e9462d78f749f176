#include "cli/scrubbed_output.h"

#include <cstdlib>
#include <exception>
#include <iostream>
#include <mutex>
#include <streambuf>
#include <string>

#include "checker/redaction.h"
#include "cli/commands.h"

namespace syncgate::cli {
namespace {

/// A stream buffer that holds text until a line ends (or the stream is flushed), scrubs it and
/// hands it to the original buffer. Line by line, so that a secret written in two pieces
/// (`out << key << ": " << value`) is still seen whole.
class ScrubbingBuffer : public std::streambuf {
 public:
  explicit ScrubbingBuffer(std::streambuf* target) : target_(target) {}

  /// Hands on everything held, scrubbed.
  void Drain() {
    std::lock_guard lock(mutex_);
    DrainLocked(pending_.size());
  }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
  }

  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard lock(mutex_);
    pending_.append(s, static_cast<size_t>(n));
    const size_t end = pending_.rfind('\n');
    if (end != std::string::npos) DrainLocked(end + 1);
    return n;
  }

  int sync() override {
    Drain();
    return target_->pubsync();
  }

 private:
  void DrainLocked(size_t count) {
    if (count == 0) return;
    const std::string scrubbed = ScrubSecrets(std::string_view(pending_).substr(0, count));
    target_->sputn(scrubbed.data(), static_cast<std::streamsize>(scrubbed.size()));
    pending_.erase(0, count);
  }

  std::streambuf* target_;
  std::mutex mutex_;
  std::string pending_;
};

// Never destroyed: std::cerr may still be written to while static destructors run.
ScrubbingBuffer* err_buffer = nullptr;

void DrainAtExit() {
  if (err_buffer) err_buffer->Drain();
  std::cout.flush();
}

[[noreturn]] void TerminateScrubbed() {
  std::string what = "an unknown exception";
  if (std::exception_ptr escaped = std::current_exception()) {
    try {
      std::rethrow_exception(escaped);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
  }
  std::cerr << "syncgate: internal error: " << what
            << "\nThis is a bug in syncgate; please report it with the command that caused it.\n";
  DrainAtExit();
  std::_Exit(kExitError);
}

}  // namespace

void ScrubProcessOutput() {
  if (err_buffer) return;
  err_buffer = new ScrubbingBuffer(std::cerr.rdbuf());
  std::cerr.rdbuf(err_buffer);
  // std::cerr flushes after every `<<`; held until the line ends, the pieces of one message are
  // scrubbed together. std::endl and an explicit flush still hand everything on.
  std::cerr.unsetf(std::ios::unitbuf);
  std::atexit(DrainAtExit);
  std::set_terminate(TerminateScrubbed);
}

}  // namespace syncgate::cli
