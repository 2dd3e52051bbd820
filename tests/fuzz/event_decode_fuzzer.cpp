// Fuzzes event decoding, the first thing every byte from a remote meets:
// decodeEvent with the fast parser (simdjson, where it surely agrees) and
// with nlohmann's alone must decide every input alike — the same event,
// encoded to the same bytes, or the same one-line reason. Beyond the
// sanitizers it checks that:
//   - exactly one of event and reason is set, and the reason is one line;
//   - an accepted event passes validateEvent and re-decodes to itself.
//
// Seeds: tests/fuzz/events (events as tacit writes them, one of each type).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/store/event.h"

namespace {

using tacit::store::decodeEvent;
using tacit::store::encodeEvent;
using tacit::store::Parser;

[[noreturn]] void violated(const char* what, std::string_view input, const std::string& detail) {
  std::fprintf(stderr, "invariant violated: %s: %s\ninput: %.*s\n", what, detail.substr(0, 500).c_str(),
               static_cast<int>(std::min<size_t>(input.size(), 500)), input.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto fast = decodeEvent(input, Parser::Fast);
  const auto strict = decodeEvent(input, Parser::StrictOnly);
  if (fast.event.has_value() == !fast.error.empty()) violated("neither or both of event and reason", input, fast.error);
  if (fast.error.find('\n') != std::string::npos) violated("a reason of more than one line", input, fast.error);
  if (fast.error != strict.error) violated("the parsers give other reasons", input, fast.error + " | " + strict.error);
  if (fast.event.has_value() != strict.event.has_value()) violated("one parser accepted", input, strict.error);
  if (!fast.event) return 0;
  const std::string encoded = encodeEvent(*fast.event);
  if (encoded != encodeEvent(*strict.event)) violated("the parsers built other events", input, encoded);
  if (auto why = tacit::store::validateEvent(*fast.event)) violated("an accepted event is invalid", input, *why);
  const auto again = decodeEvent(encoded);
  if (!again.event || !(*again.event == *fast.event)) violated("an accepted event does not round-trip", input, encoded);
  return 0;
}
