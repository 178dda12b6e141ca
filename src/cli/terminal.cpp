// Terminal output: leveled messages and the progress bar.
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "cli/app.hpp"

namespace fos::cli {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void emit(std::string_view prefix, std::string_view message) {
  std::fprintf(stderr, "%.*s%.*s\n", static_cast<int>(prefix.size()), prefix.data(),
               static_cast<int>(message.size()), message.data());
}

}  // namespace

LogLevel GlobalOptions::level() const {
  if (log_level == "error") return LogLevel::kError;
  if (log_level == "warn") return LogLevel::kWarn;
  if (log_level == "debug") return LogLevel::kDebug;
  return LogLevel::kInfo;
}

void Terminal::error(std::string_view message) const {
  emit("fos: error: ", message);
}

void Terminal::warn(std::string_view message) const {
  if (options_.quiet || options_.level() < LogLevel::kWarn) return;
  emit("fos: warning: ", message);
}

void Terminal::info(std::string_view message) const {
  if (options_.quiet || options_.level() < LogLevel::kInfo) return;
  emit("", message);
}

void Terminal::summary(std::string_view text) const {
  if (options_.quiet || options_.level() < LogLevel::kInfo) return;
  std::fwrite(text.data(), 1, text.size(), stderr);
}

bool Terminal::show_progress() const {
  return !options_.quiet && ::isatty(STDERR_FILENO) != 0;
}

ProgressBar::ProgressBar(const Terminal& terminal, std::string label)
    : enabled_(terminal.show_progress()), label_(std::move(label)), start_ms_(now_ms()) {}

ProgressBar::~ProgressBar() {
  done();
}

void ProgressBar::update(uint64_t done_count, uint64_t total) {
  if (!enabled_) return;
  const int64_t now = now_ms();
  if (done_count < total && last_draw_ms_ >= 0 && now - last_draw_ms_ < 100) return;
  last_draw_ms_ = now;
  constexpr int kWidth = 30;
  const double fraction = total == 0 ? 1.0 : static_cast<double>(done_count) / total;
  const int filled = static_cast<int>(fraction * kWidth);
  const double seconds = (now - start_ms_) / 1000.0;
  const double rate = seconds > 0 ? done_count / seconds : 0;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '-');
  std::fprintf(stderr, "\r%s [%s] %llu/%llu (%.0f/s)", label_.c_str(), bar.c_str(),
               static_cast<unsigned long long>(done_count), static_cast<unsigned long long>(total),
               rate);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::done() {
  if (enabled_ && drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  drawn_ = false;
}

}  // namespace fos::cli
