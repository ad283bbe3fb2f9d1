// libFuzzer target: the CLI's import readers (CSV and JSON Lines) on arbitrary bytes. The first
// byte picks the format, the rest is the file. Every record must come out as an order or a
// `line N:` error, line numbers never go backwards, and the reader always reaches its end.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "cli/import_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace orderstream::cli;
  if (size == 0) return 0;
  const ImportFormat format = data[0] % 2 == 0 ? ImportFormat::kCsv : ImportFormat::kJsonl;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  std::string error;
  auto reader = make_import_reader(in, format, error);
  if (reader == nullptr) {
    if (error.empty()) std::abort();  // a refusal must say why
    return 0;
  }
  ecommerce::orders::Order order;
  int64_t last_line = 0;
  // Each call consumes at least one line, and the input has at most `size` of them.
  for (std::size_t calls = 0; calls <= size + 1; ++calls) {
    const ReadResult result = reader->next(order);
    if (result.line < last_line) std::abort();
    last_line = result.line;
    switch (result.kind) {
      case ReadResult::Kind::kOrder:
        (void)order.ByteSizeLong();
        break;
      case ReadResult::Kind::kMalformed:
        if (result.error.empty()) std::abort();
        break;
      case ReadResult::Kind::kEnd:
      case ReadResult::Kind::kFailed:
        return 0;
    }
  }
  std::abort();  // the reader never ended
}
