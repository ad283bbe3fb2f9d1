#include "bench/report.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "bench/json_writer.h"

namespace orderstream::bench {
namespace {

std::string format_series(const Series& series) {
  std::string text;
  for (const double v : series.values) {
    if (!text.empty()) text += ", ";
    text += format_number(v, series.decimals);
  }
  return text;
}

std::string format_params(const ScenarioResult& result) {
  std::string text;
  for (const auto& [key, value] : result.params) {
    if (!text.empty()) text += ", ";
    text += key + "=" + format_number(value, value == std::trunc(value) ? 0 : 2);
  }
  return text;
}

// Markdown cells must not contain '|'.
std::string cell(std::string text) {
  std::replace(text.begin(), text.end(), '|', '/');
  return text;
}

bool open_for_writing(std::ofstream& file, const std::string& path) {
  file.open(path, std::ios::trunc);
  if (file) return true;
  std::cerr << "orderstream-bench: cannot write " << path << ": " << std::strerror(errno) << "\n";
  return false;
}

bool finish_file(std::ofstream& file, const std::string& path) {
  file.close();
  if (!file.fail()) return true;
  std::cerr << "orderstream-bench: writing " << path << " failed\n";
  return false;
}

const ScenarioResult* find_result(const RunReport& report, std::string_view name) {
  for (const auto& result : report.results) {
    if (result.name == name) return &result;
  }
  return nullptr;
}

}  // namespace

void ScenarioResult::add(std::string key, std::string label, std::string unit,
                         std::optional<double> value, int decimals) {
  metrics.push_back({std::move(key), std::move(label), std::move(unit), value, decimals});
}

void ScenarioResult::add_series(std::string key, std::string label, std::string unit,
                                std::vector<double> values, int decimals) {
  series.push_back(
      {std::move(key), std::move(label), std::move(unit), std::move(values), decimals});
}

std::optional<double> ScenarioResult::value(std::string_view key) const {
  for (const auto& metric : metrics) {
    if (metric.key == key) return metric.value;
  }
  return std::nullopt;
}

std::string format_number(std::optional<double> value, int decimals) {
  if (!value || !std::isfinite(*value)) return "n/a";
  char digits[64];
  std::snprintf(digits, sizeof digits, "%.*f", decimals, std::fabs(*value));
  std::string text(digits);
  const auto point = text.find('.');
  const std::size_t integer_end = point == std::string::npos ? text.size() : point;
  std::string grouped;
  for (std::size_t i = 0; i < integer_end; ++i) {
    if (i > 0 && (integer_end - i) % 3 == 0) grouped += ',';
    grouped += text[i];
  }
  grouped += text.substr(integer_end);
  const bool negative = *value < 0 && grouped.find_first_not_of("0.,") != std::string::npos;
  return negative ? "-" + grouped : grouped;
}

void print_table(std::ostream& out, const ScenarioResult& result) {
  out << "\n== " << result.name << ": " << result.title << " ==\n";
  if (!result.params.empty()) out << "   (" << format_params(result) << ")\n";
  std::size_t label_width = 0;
  std::size_t value_width = 0;
  for (const auto& metric : result.metrics) {
    label_width = std::max(label_width, metric.label.size());
    value_width = std::max(value_width, format_number(metric.value, metric.decimals).size());
  }
  for (const auto& series : result.series) label_width = std::max(label_width, series.label.size());
  for (const auto& metric : result.metrics) {
    const std::string value = format_number(metric.value, metric.decimals);
    out << "   " << metric.label << std::string(label_width - metric.label.size() + 2, ' ')
        << std::string(value_width - value.size(), ' ') << value << "  " << metric.unit << "\n";
  }
  for (const auto& series : result.series) {
    out << "   " << series.label << std::string(label_width - series.label.size() + 2, ' ')
        << format_series(series) << "  " << series.unit << "\n";
  }
  for (const auto& note : result.notes) out << "   note: " << note << "\n";
  for (const auto& failure : result.failures) out << "   FAILED: " << failure << "\n";
  out.flush();
}

void print_ratios(std::ostream& out, const std::vector<Ratio>& ratios) {
  if (ratios.empty()) return;
  out << "\n== ratios: throughput / transport ceiling of the same run ==\n";
  for (const auto& ratio : ratios) {
    out << "   " << ratio.key << std::string(16 - std::min<std::size_t>(ratio.key.size(), 15), ' ')
        << format_number(ratio.value, 3) << "   (" << ratio.numerator << " / " << ratio.denominator
        << ")\n";
  }
  out.flush();
}

bool write_json(const std::string& path, const RunReport& report) {
  std::ofstream file;
  if (!open_for_writing(file, path)) return false;
  JsonWriter json(file);
  json.begin_object();
  json.field("tool", "orderstream-bench");
  json.field("command_line", report.command_line);
  json.field("started_at", report.started_at);
  json.field("scenario", report.scenario);
  json.field("target", report.target);
  json.key("server_pid");
  if (report.server_pid) {
    json.value(static_cast<int64_t>(*report.server_pid));
  } else {
    json.null();
  }
  json.key("machine");
  json.begin_object();
  json.field("nproc", report.machine.nproc);
  json.field("cpu_model", report.machine.cpu_model);
  json.field("mem_total_kib", report.machine.mem_total_kib);
  json.field("kernel", report.machine.kernel);
  json.field("grpc_version", report.machine.grpc_version);
  json.field("protobuf_version", report.machine.protobuf_version);
  json.end_object();
  bool all_ok = true;
  for (const auto& result : report.results) all_ok = all_ok && result.ok();
  json.field("ok", all_ok);
  json.key("results");
  json.begin_object();
  for (const auto& result : report.results) {
    json.key(result.name);
    json.begin_object();
    json.field("title", result.title);
    json.field("ok", result.ok());
    json.field("headline", result.headline_key);
    json.key("params");
    json.begin_object();
    for (const auto& [key, value] : result.params) json.field(key, value);
    json.end_object();
    json.key("metrics");
    json.begin_object();
    for (const auto& metric : result.metrics) json.field(metric.key, metric.value);
    for (const auto& series : result.series) {
      json.key(series.key);
      json.begin_array();
      for (const double v : series.values) json.value(v);
      json.end_array();
    }
    json.end_object();
    json.key("units");
    json.begin_object();
    for (const auto& metric : result.metrics) json.field(metric.key, metric.unit);
    for (const auto& series : result.series) json.field(series.key, series.unit);
    json.end_object();
    json.key("notes");
    json.begin_array();
    for (const auto& note : result.notes) json.value(note);
    json.end_array();
    json.key("failures");
    json.begin_array();
    for (const auto& failure : result.failures) json.value(failure);
    json.end_array();
    json.end_object();
  }
  json.end_object();
  if (!report.ratios.empty()) {
    json.key("ratios");
    json.begin_object();
    for (const auto& ratio : report.ratios) {
      json.key(ratio.key);
      json.begin_object();
      json.field("value", ratio.value);
      json.field("numerator", ratio.numerator);
      json.field("denominator", ratio.denominator);
      json.end_object();
    }
    json.end_object();
  }
  json.end_object();
  return finish_file(file, path);
}

bool write_markdown(const std::string& path, const RunReport& report) {
  std::ofstream file;
  if (!open_for_writing(file, path)) return false;
  file << "<!-- orderstream-bench " << report.scenario << ", started " << report.started_at << "; "
       << report.machine.nproc << " x " << report.machine.cpu_model << ", gRPC "
       << report.machine.grpc_version << " -->\n";
  if (!report.ratios.empty()) {
    file << "\n| scenario | throughput | transport ceiling | ratio |\n|---|---:|---:|---:|\n";
    for (const auto& ratio : report.ratios) {
      const auto split = [](const std::string& ref) {
        const auto colon = ref.rfind(':');
        return std::pair(ref.substr(0, colon), ref.substr(colon + 1));
      };
      const auto [num_name, num_key] = split(ratio.numerator);
      const auto [den_name, den_key] = split(ratio.denominator);
      const ScenarioResult* num = find_result(report, num_name);
      const ScenarioResult* den = find_result(report, den_name);
      const auto unit_of = [](const ScenarioResult* r, const std::string& key) {
        if (r == nullptr) return std::string();
        for (const auto& m : r->metrics) {
          if (m.key == key) return m.unit;
        }
        return std::string();
      };
      file << "| " << ratio.key << " | "
           << format_number(num ? num->value(num_key) : std::nullopt, 0) << " "
           << unit_of(num, num_key) << " | "
           << format_number(den ? den->value(den_key) : std::nullopt, 0) << " "
           << unit_of(den, den_key) << " (" << den_name << ") | " << format_number(ratio.value, 3)
           << " |\n";
    }
  }
  for (const auto& result : report.results) {
    file << "\n#### " << result.name << ": " << cell(result.title) << "\n\n";
    if (!result.params.empty()) file << "Parameters: " << format_params(result) << ".\n\n";
    file << "| metric | value | unit |\n|---|---:|---|\n";
    for (const auto& metric : result.metrics) {
      file << "| " << cell(metric.label) << " | " << format_number(metric.value, metric.decimals)
           << " | " << metric.unit << " |\n";
    }
    for (const auto& series : result.series) {
      file << "| " << cell(series.label) << " | " << format_series(series) << " | " << series.unit
           << " |\n";
    }
    if (!result.notes.empty() || !result.failures.empty()) file << "\n";
    for (const auto& note : result.notes) file << "- " << note << "\n";
    for (const auto& failure : result.failures) file << "- **FAILED**: " << failure << "\n";
  }
  return finish_file(file, path);
}

bool write_tsv(const std::string& path, const RunReport& report) {
  std::ofstream file;
  if (!open_for_writing(file, path)) return false;
  char text[64];
  const auto number = [&](std::optional<double> value) -> std::string {
    if (!value || !std::isfinite(*value)) return "nan";
    std::snprintf(text, sizeof text, "%.10g", *value);
    return text;
  };
  for (const auto& result : report.results) {
    file << result.name << "\tok\t" << (result.ok() ? 1 : 0) << "\n";
    for (const auto& [key, value] : result.params) {
      file << result.name << "\tparam." << key << "\t" << number(value) << "\n";
    }
    for (const auto& metric : result.metrics) {
      file << result.name << "\t" << metric.key << "\t" << number(metric.value) << "\n";
    }
  }
  for (const auto& ratio : report.ratios) {
    file << "ratios\t" << ratio.key << "\t" << number(ratio.value) << "\n";
  }
  return finish_file(file, path);
}

}  // namespace orderstream::bench
