// Process metrics read from /proc: CPU time, resident memory (VmRSS) and its peak (VmHWM), for the
// server (by pid) and for this client. The kernel's peak can be reset before a scenario by
// writing "5" to /proc/PID/clear_refs; when that is refused, the peak is reported as unknown
// rather than as a number that may belong to an earlier scenario.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace orderstream::bench {

class ProcessProbe {
 public:
  static ProcessProbe of_pid(pid_t pid);
  static ProcessProbe self();

  // utime + stime, in seconds.
  std::optional<double> cpu_seconds() const;
  // The same per thread name (threads of one pool share a name), for the threads alive now.
  std::map<std::string, double> cpu_seconds_by_thread() const;
  std::optional<int64_t> rss_kib() const;
  std::optional<int64_t> peak_rss_kib() const;
  // Resets the peak to the current RSS; false if the kernel refused.
  bool reset_peak() const;

 private:
  explicit ProcessProbe(std::string dir) : dir_(std::move(dir)) {}
  std::optional<int64_t> status_kib(const char* field) const;

  std::string dir_;
};

// One process over one scenario: CPU used, RSS at start and end, peak in between. Every figure
// is nullopt when unknown (no probe, process gone, peak reset refused).
class ProcessWindow {
 public:
  explicit ProcessWindow(std::optional<ProcessProbe> probe) : probe_(std::move(probe)) {}

  void start();
  void stop();

  std::optional<double> cpu_seconds() const;
  // CPU seconds per thread name over the window; a thread that ended before stop() is missing.
  std::map<std::string, double> cpu_seconds_by_thread() const;
  std::optional<int64_t> rss_before_kib() const { return rss_before_; }
  std::optional<int64_t> rss_after_kib() const { return rss_after_; }
  std::optional<int64_t> peak_kib() const { return peak_; }
  // RSS right now, for figures taken mid-scenario; the peak takes it into account.
  std::optional<int64_t> rss_now_kib();

 private:
  std::optional<ProcessProbe> probe_;
  bool peak_reset_ = false;
  std::optional<double> cpu_before_;
  std::optional<double> cpu_after_;
  std::map<std::string, double> threads_before_;
  std::map<std::string, double> threads_after_;
  std::optional<int64_t> rss_before_;
  std::optional<int64_t> rss_after_;
  std::optional<int64_t> peak_;
  std::optional<int64_t> max_seen_;  // the largest RSS read in the window
};

// This process's peak RSS since it started (getrusage), the fallback when the peak cannot be
// reset per scenario.
int64_t lifetime_peak_rss_kib();

}  // namespace orderstream::bench
