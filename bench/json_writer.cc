#include "bench/json_writer.h"

#include <cmath>
#include <cstdio>

namespace orderstream::bench {

void JsonWriter::newline() {
  out_ << '\n';
  for (std::size_t i = 0; i < first_in_level_.size(); ++i) out_ << "  ";
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (first_in_level_.empty()) return;
  if (!first_in_level_.back()) out_ << ',';
  first_in_level_.back() = false;
  newline();
}

void JsonWriter::begin_object() {
  before_value();
  out_ << '{';
  first_in_level_.push_back(true);
}

void JsonWriter::end_object() {
  const bool empty = first_in_level_.back();
  first_in_level_.pop_back();
  if (!empty) newline();
  out_ << '}';
  if (first_in_level_.empty()) out_ << '\n';
}

void JsonWriter::begin_array() {
  before_value();
  out_ << '[';
  first_in_level_.push_back(true);
}

void JsonWriter::end_array() {
  const bool empty = first_in_level_.back();
  first_in_level_.pop_back();
  if (!empty) newline();
  out_ << ']';
}

void JsonWriter::key(std::string_view name) {
  before_value();
  write_string(name);
  out_ << ": ";
  after_key_ = true;
}

void JsonWriter::write_string(std::string_view text) {
  out_ << '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out_ << "\\\"";
        break;
      case '\\':
        out_ << "\\\\";
        break;
      case '\n':
        out_ << "\\n";
        break;
      case '\t':
        out_ << "\\t";
        break;
      case '\r':
        out_ << "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
          out_ << escaped;
        } else {
          out_ << c;
        }
    }
  }
  out_ << '"';
}

void JsonWriter::value(std::string_view text) {
  before_value();
  write_string(text);
}

void JsonWriter::value(double number) {
  before_value();
  if (!std::isfinite(number)) {
    out_ << "null";
    return;
  }
  char text[32];
  // Integral values print without a fraction; others with enough digits for any figure here.
  if (number == std::trunc(number) && std::fabs(number) < 1e15) {
    std::snprintf(text, sizeof text, "%.0f", number);
  } else {
    std::snprintf(text, sizeof text, "%.10g", number);
  }
  out_ << text;
}

void JsonWriter::value(int64_t number) {
  before_value();
  out_ << number;
}

void JsonWriter::value(bool flag) {
  before_value();
  out_ << (flag ? "true" : "false");
}

void JsonWriter::value(std::optional<double> number) {
  if (number) {
    value(*number);
  } else {
    null();
  }
}

void JsonWriter::null() {
  before_value();
  out_ << "null";
}

}  // namespace orderstream::bench
