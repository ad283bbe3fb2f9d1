// Reads a Prometheus text exposition the way a scraper does: an HTTP/1.0 GET of /metrics on
// 127.0.0.1, then one value per series, keyed by name and labels.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace orderstream::testing {

using Labels = std::map<std::string, std::string>;

class Scrape {
 public:
  // GET http://127.0.0.1:<port>/metrics; fails the test (and holds no series) on any error.
  static Scrape get(int port);
  // Parses an exposition in the text format.
  static Scrape parse(const std::string& text);

  // The value of the series `name` with exactly these labels; nullopt when absent.
  std::optional<double> value(const std::string& name, const Labels& labels = {}) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::map<std::pair<std::string, Labels>, double> series_;
};

}  // namespace orderstream::testing
