#include "domain/excerpt.h"

namespace orderstream {

std::string excerpt(std::string_view text) {
  if (text.size() <= kMaxExcerptBytes) return std::string(text);
  std::size_t cut = kMaxExcerptBytes;
  // Back off over UTF-8 continuation bytes (10xxxxxx) so the excerpt stays valid UTF-8.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string out(text.substr(0, cut));
  out += "... (";
  out += std::to_string(text.size());
  out += " bytes)";
  return out;
}

}  // namespace orderstream
