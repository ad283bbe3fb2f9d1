// What orderstream-bench's --tsv file says, for the bench smoke tests: the figures by scenario and
// key, and one of them as a number (a missing one fails the test that asked for it).
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace orderstream::testing {

using Figures = std::map<std::string, std::map<std::string, std::string>>;

// The --tsv file: "scenario<TAB>key<TAB>value" per line.
inline Figures read_tsv(const std::string& path) {
  Figures figures;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string scenario, key, value;
    if (std::getline(fields, scenario, '\t') && std::getline(fields, key, '\t') &&
        std::getline(fields, value)) {
      figures[scenario][key] = value;
    }
  }
  return figures;
}

inline double number(const Figures& figures, const std::string& scenario, const std::string& key) {
  const auto s = figures.find(scenario);
  if (s == figures.end()) {
    ADD_FAILURE() << "no scenario " << scenario;
    return -1;
  }
  const auto k = s->second.find(key);
  if (k == s->second.end()) {
    ADD_FAILURE() << "no " << key << " in " << scenario;
    return -1;
  }
  return std::stod(k->second);
}

}  // namespace orderstream::testing
