// A small streaming JSON writer, enough for the benchmark report: objects, arrays, strings,
// numbers (NaN and infinity become null, which JSON cannot express otherwise), booleans and null,
// indented two spaces. Keeping it here avoids a JSON library dependency for one output file.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>
#include <vector>

namespace orderstream::bench {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) {}

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // The key of the next value inside an object.
  void key(std::string_view name);

  void value(std::string_view text);
  void value(const char* text) { value(std::string_view(text)); }
  void value(double number);
  void value(int64_t number);
  void value(int number) { value(static_cast<int64_t>(number)); }
  void value(bool flag);
  void value(std::optional<double> number);
  void null();

  // key(name) then value(v), for the common case.
  template <typename T>
  void field(std::string_view name, const T& v) {
    key(name);
    value(v);
  }

 private:
  void before_value();
  void newline();
  void write_string(std::string_view text);

  std::ostream& out_;
  std::vector<bool> first_in_level_;  // one per open object or array
  bool after_key_ = false;
};

}  // namespace orderstream::bench
