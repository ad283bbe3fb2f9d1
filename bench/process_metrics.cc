#include "bench/process_metrics.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace orderstream::bench {
namespace {

std::optional<std::string> read_whole(const std::string& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// utime + stime of a /proc stat file, in seconds.
std::optional<double> stat_cpu_seconds(const std::string& path) {
  const auto stat = read_whole(path);
  if (!stat) return std::nullopt;
  // The command name (field 2) is in parentheses and may hold spaces or ')'; the fields after
  // the last ')' start with field 3, so utime (14) and stime (15) are the 12th and 13th there.
  const auto close = stat->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(stat->substr(close + 1));
  std::vector<std::string> values;
  for (std::string field; values.size() < 13 && fields >> field;) values.push_back(field);
  if (values.size() < 13) return std::nullopt;
  const long ticks_per_second = sysconf(_SC_CLK_TCK);
  if (ticks_per_second <= 0) return std::nullopt;
  const double ticks = std::stod(values[11]) + std::stod(values[12]);
  return ticks / static_cast<double>(ticks_per_second);
}

}  // namespace

ProcessProbe ProcessProbe::of_pid(pid_t pid) {
  return ProcessProbe("/proc/" + std::to_string(pid));
}

ProcessProbe ProcessProbe::self() { return ProcessProbe("/proc/self"); }

std::optional<double> ProcessProbe::cpu_seconds() const { return stat_cpu_seconds(dir_ + "/stat"); }

std::map<std::string, double> ProcessProbe::cpu_seconds_by_thread() const {
  std::map<std::string, double> by_name;
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator(dir_ + "/task", error)) {
    // A thread may end between the listing and the reads: it is then skipped.
    auto name = read_whole(task.path() / "comm");
    const auto cpu = stat_cpu_seconds(task.path() / "stat");
    if (!name || !cpu) continue;
    while (!name->empty() && name->back() == '\n') name->pop_back();
    by_name[*name] += *cpu;
  }
  return by_name;
}

std::optional<int64_t> ProcessProbe::status_kib(const char* field) const {
  std::ifstream status(dir_ + "/status");
  const std::size_t field_length = std::strlen(field);
  for (std::string line; std::getline(status, line);) {
    if (line.compare(0, field_length, field) != 0 || line.size() <= field_length ||
        line[field_length] != ':') {
      continue;
    }
    const char* begin = line.data() + field_length + 1;
    const char* end = line.data() + line.size();
    while (begin < end && (*begin == ' ' || *begin == '\t')) ++begin;
    int64_t kib = 0;
    if (std::from_chars(begin, end, kib).ec != std::errc()) return std::nullopt;
    return kib;
  }
  return std::nullopt;
}

std::optional<int64_t> ProcessProbe::rss_kib() const { return status_kib("VmRSS"); }

std::optional<int64_t> ProcessProbe::peak_rss_kib() const { return status_kib("VmHWM"); }

bool ProcessProbe::reset_peak() const {
  // Plain write(2), not a stream: the kernel's verdict must not vanish in a buffer.
  const int fd = open((dir_ + "/clear_refs").c_str(), O_WRONLY | O_CLOEXEC);
  if (fd == -1) return false;
  const bool written = write(fd, "5", 1) == 1;
  return close(fd) == 0 && written;
}

void ProcessWindow::start() {
  if (!probe_) return;
  peak_reset_ = probe_->reset_peak();
  cpu_before_ = probe_->cpu_seconds();
  threads_before_ = probe_->cpu_seconds_by_thread();
  rss_before_ = probe_->rss_kib();
  max_seen_ = rss_before_;
}

void ProcessWindow::stop() {
  if (!probe_) return;
  cpu_after_ = probe_->cpu_seconds();
  threads_after_ = probe_->cpu_seconds_by_thread();
  rss_after_ = probe_->rss_kib();
  if (!peak_reset_) return;
  peak_ = probe_->peak_rss_kib();
  // The kernel folds the current RSS into VmHWM only at some events, so a rise seen by the RSS
  // readings themselves can be missing from it; the peak is at least what was observed.
  if (peak_ && max_seen_) peak_ = std::max(*peak_, *max_seen_);
  if (peak_ && rss_after_) peak_ = std::max(*peak_, *rss_after_);
}

std::optional<double> ProcessWindow::cpu_seconds() const {
  if (!cpu_before_ || !cpu_after_) return std::nullopt;
  return *cpu_after_ - *cpu_before_;
}

std::map<std::string, double> ProcessWindow::cpu_seconds_by_thread() const {
  std::map<std::string, double> used;
  for (const auto& [name, after] : threads_after_) {
    const auto before = threads_before_.find(name);
    used[name] = after - (before == threads_before_.end() ? 0.0 : before->second);
  }
  return used;
}

std::optional<int64_t> ProcessWindow::rss_now_kib() {
  if (!probe_) return std::nullopt;
  const auto rss = probe_->rss_kib();
  if (rss && (!max_seen_ || *rss > *max_seen_)) max_seen_ = rss;
  return rss;
}

int64_t lifetime_peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // KiB on Linux
}

}  // namespace orderstream::bench
