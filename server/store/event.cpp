#include "server/store/event.h"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <random>
#include <set>
#include <utility>

#include <simdjson.h>

#include "server/log/log.h"

namespace tacit::store {

namespace {

// Deep nesting can only be an attack or a bug: the schema is three levels
// deep and the free-form `context` gets a bounded share.
constexpr size_t kMaxJsonDepth = 32;
constexpr size_t kMaxContextDepth = 16;

// The range RFC 3339 can express (years 0000-9999).
constexpr int64_t kMinTimestamp = -62167219200000;  // 0000-01-01T00:00:00.000Z
constexpr int64_t kMaxTimestamp = 253402300799999;  // 9999-12-31T23:59:59.999Z

// ---- Calendar arithmetic (Howard Hinnant's days_from_civil / civil_from_days),
// so timestamps never depend on the process's locale or TZ.

bool isLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && isLeapYear(y) ? 29 : kDays[m - 1];
}

int64_t daysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct CivilDate {
  int64_t year;
  int month;
  int day;
};

CivilDate civilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2), month, day};
}

int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// ---- Text checks.

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isLowerHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f'); }

bool isLowerHexOfLength(std::string_view s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), isLowerHex);
}

// Well-formed UTF-8 per Unicode table 3-7: no overlongs, no surrogates,
// nothing above U+10FFFF. Strings built in memory never went through the
// JSON parser, which checks the same.
bool isValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    unsigned char lo = 0x80, hi = 0xBF;
    size_t length;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) lo = 0xA0;
      if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) lo = 0x90;
      if (lead == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + length > s.size()) return false;
    const auto second = static_cast<unsigned char>(s[i + 1]);
    if (second < lo || second > hi) return false;
    for (size_t k = 2; k < length; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

bool hasControlCharacter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

// local@domain with no spaces, controls or the characters git uses to
// delimit an address; anything stricter would refuse real addresses.
bool isPlausibleEmail(std::string_view s) {
  if (s.empty() || s.size() > kMaxEmailBytes) return false;
  const size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == s.size()) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7F || c == '<' || c == '>' || c == ',';
  });
}

// A value quoted inside an error message: printable ASCII only and bounded,
// so the message stays one line and safe to put in any log or JSON reply.
std::string quoteValue(std::string_view s) {
  constexpr size_t kMaxQuoted = 80;
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < kMaxQuoted; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    }
  }
  if (s.size() > kMaxQuoted) out += "...";
  out += '"';
  return out;
}

std::string childField(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

std::string indexField(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string overLimit(size_t size, size_t limit) {
  return std::to_string(size) + " bytes, over the " + std::to_string(limit) + "-byte limit";
}

// ---- Parsing: nlohmann's DOM parser keeps the last of duplicate keys
// silently, and its callback parser rescans parents (quadratic), so the DOM
// is built here from SAX events, refusing duplicates and deep nesting.
class StrictBuilder final : public nlohmann::json_sax<json> {
 public:
  explicit StrictBuilder(json& root) : root_(root) {}

  const std::string& error() const { return error_; }

  bool null() override { return put(json(nullptr)) != nullptr; }
  bool boolean(bool value) override { return put(json(value)) != nullptr; }
  bool number_integer(number_integer_t value) override { return put(json(value)) != nullptr; }
  bool number_unsigned(number_unsigned_t value) override { return put(json(value)) != nullptr; }
  bool number_float(number_float_t value, const string_t&) override {
    return put(json(value)) != nullptr;
  }
  bool string(string_t& value) override { return put(json(std::move(value))) != nullptr; }
  bool binary(binary_t&) override { return fail("binary values are not JSON"); }

  bool start_object(std::size_t) override { return open(json::object()); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_array() override { return close(); }

  // One insertion per key, at the end when keys come sorted (canonical
  // events): the value's slot is kept for put().
  bool key(string_t& key) override {
    auto& object = stack_.back()->get_ref<json::object_t&>();
    const size_t before = object.size();
    auto it = object.emplace_hint(object.end(), key, nullptr);
    if (object.size() == before) return fail("duplicate key " + quoteValue(key));
    slot_ = &it->second;
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::json::exception& e) override {
    // what() is "[json.exception.parse_error.101] parse error at ...: ...;
    // last read: '<raw bytes>'": keep the reason, drop the raw bytes.
    std::string_view what = e.what();
    if (const size_t bracket = what.find("] "); bracket != std::string_view::npos) {
      what.remove_prefix(bracket + 2);
    }
    if (const size_t lastRead = what.find("; last read"); lastRead != std::string_view::npos) {
      what = what.substr(0, lastRead);
    }
    std::string reason = quoteValue(what);
    reason = reason.substr(1, reason.size() - 2);
    return fail("not valid JSON at byte " + std::to_string(position) + ": " + reason);
  }

 private:
  bool fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  json* put(json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    *slot_ = std::move(value);
    return slot_;
  }

  bool open(json container) {
    if (stack_.size() >= kMaxJsonDepth) {
      return fail("nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    stack_.push_back(put(std::move(container)));
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  json& root_;
  std::vector<json*> stack_;
  json* slot_ = nullptr;  // the value of the object key just read
  std::string error_;
};

// ---- Fast parsing. simdjson parses an event about twelve times faster than
// nlohmann's lexer, which was a third of a first index. Its DOM is turned
// into the one StrictBuilder would build; anything simdjson refuses, and
// duplicate keys and deep nesting, go to StrictBuilder, whose verdict and
// message stand. So the fast path changes no outcome, only the time: the
// unit test "the fast parser and nlohmann's decide every event alike" and
// tests/fuzz/event_decode_fuzzer.cpp check that the two never differ
// (simdjson 3.0.1 refuses raw control characters in strings and lone
// surrogates, as nlohmann does; what it refuses and nlohmann takes, such as
// integers past 64 bits, StrictBuilder decides).

// The same DOM StrictBuilder builds (non-negative integers unsigned, as
// nlohmann's lexer makes them), or false where StrictBuilder must decide.
bool buildFrom(simdjson::dom::element element, json& out, size_t depth) {
  using Type = simdjson::dom::element_type;
  switch (element.type()) {
    case Type::OBJECT: {
      if (depth >= kMaxJsonDepth) return false;
      out = json::object();
      auto& object = out.get_ref<json::object_t&>();
      for (auto field : simdjson::dom::object(element)) {
        const size_t before = object.size();
        auto it = object.emplace_hint(object.end(), std::string(field.key), nullptr);
        if (object.size() == before) return false;  // a duplicate key
        if (!buildFrom(field.value, it->second, depth + 1)) return false;
      }
      return true;
    }
    case Type::ARRAY: {
      if (depth >= kMaxJsonDepth) return false;
      out = json::array();
      for (auto value : simdjson::dom::array(element)) {
        out.push_back(nullptr);
        if (!buildFrom(value, out.back(), depth + 1)) return false;
      }
      return true;
    }
    case Type::STRING:
      out = std::string(std::string_view(element));
      return true;
    case Type::INT64: {
      const int64_t value = int64_t(element);
      if (value >= 0) {
        out = static_cast<uint64_t>(value);
      } else {
        out = value;
      }
      return true;
    }
    case Type::UINT64:
      out = uint64_t(element);
      return true;
    case Type::DOUBLE:
      out = double(element);
      return true;
    case Type::BOOL:
      out = bool(element);
      return true;
    case Type::NULL_VALUE:
      out = nullptr;
      return true;
  }
  return false;
}

// One parser per thread (a parser is not thread-safe; indexing decodes on two).
bool parseFast(std::string_view bytes, json& out) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(bytes.data(), bytes.size()).get(root) != simdjson::SUCCESS) return false;
  return buildFrom(root, out, 0);
}

DecodedEvent parseStrict(std::string_view bytes, json& wire) {
  StrictBuilder builder(wire);
  bool parsed = false;
  try {
    parsed = json::sax_parse(bytes.begin(), bytes.end(), &builder);
  } catch (const json::exception&) {
    // sax_parse reports through parse_error; this is belt and braces.
    return {std::nullopt, "event: not valid JSON"};
  }
  if (!parsed) {
    return {std::nullopt, "event: " + (builder.error().empty() ? std::string("not valid JSON")
                                                               : builder.error())};
  }
  return {};
}

// ---- Validation of the wire form, shared by decodeEvent and validateEvent.
class WireChecker {
 public:
  const std::string& error() const { return error_; }

  bool check(const json& event) {
    if (!event.is_object()) return fail("event", "expected an object, got " + typeName(event));
    // The version first: a future version may well have other keys.
    int64_t version = 0;
    if (!integer(event, "v", "", std::numeric_limits<int64_t>::min(),
                 std::numeric_limits<int64_t>::max(), &version)) {
      return false;
    }
    if (version != kEventVersion) {
      return fail("v", "unsupported version " + std::to_string(version));
    }
    if (!keys(event, "", "event",
              {"v", "id", "type", "thread", "replica", "lamport", "ts", "author", "payload"}, {})) {
      return false;
    }
    const std::string* id = nullptr;
    const std::string* typeText = nullptr;
    const std::string* thread = nullptr;
    const std::string* ts = nullptr;
    if (!idField(event, "id", "", &id)) return false;
    if (!string(event, "type", "", 64, &typeText)) return false;
    const std::optional<EventType> type = parseEventType(*typeText);
    if (!type) return fail("type", "unknown event type " + quoteValue(*typeText));
    if (!idField(event, "thread", "", &thread)) return false;
    if (*type == EventType::Created && *id != *thread) {
      return fail("thread", "differs from id in a created event");
    }
    if (*type != EventType::Created && *id == *thread) {
      return fail("id", "equals thread, which only a created event may");
    }
    if (!idField(event, "replica", "", nullptr)) return false;
    int64_t lamport = 0;
    if (!integer(event, "lamport", "", 1, static_cast<int64_t>(kMaxLamport), &lamport)) {
      return false;
    }
    if (!string(event, "ts", "", 64, &ts)) return false;
    if (!parseTimestamp(*ts)) {
      return fail("ts", "not an RFC 3339 time in years 0000-9999 (" + quoteValue(*ts) + ")");
    }
    if (!author(event.at("author"))) return false;
    return payload(event.at("payload"), *type, *thread);
  }

 private:
  static std::string typeName(const json& value) { return value.type_name(); }

  bool fail(std::string_view field, std::string_view why) {
    error_ = std::string(field) + ": " + std::string(why);
    return false;
  }

  // Exactly `required` plus any of `optional`; `label` names the object in
  // messages about its keys (the top level has no field path).
  bool keys(const json& object, std::string_view field, std::string_view label,
            std::initializer_list<std::string_view> required,
            std::initializer_list<std::string_view> optional) {
    if (!object.is_object()) return fail(field, "expected an object, got " + typeName(object));
    for (const auto& item : object.items()) {
      // Not a structured binding: clang 14 (the fuzz build) cannot capture one.
      const std::string& key = item.key();
      const auto known = [&](std::initializer_list<std::string_view> list) {
        return std::find(list.begin(), list.end(), key) != list.end();
      };
      if (!known(required) && !known(optional)) {
        return fail(label, "unknown key " + quoteValue(key));
      }
    }
    for (std::string_view key : required) {
      if (!object.contains(key)) return fail(childField(field, key), "missing");
    }
    return true;
  }

  // Text fields: UTF-8 (in-memory events never met the parser), no NUL
  // (C APIs and SQLite FTS would cut there), bounded. `field()` names the
  // field, built only for a message (most events pass).
  template <typename Field>
  bool text(const std::string& value, const Field& field, size_t maxBytes) {
    if (value.size() > maxBytes) return fail(field(), overLimit(value.size(), maxBytes));
    if (!isValidUtf8(value)) return fail(field(), "not valid UTF-8");
    if (value.find('\0') != std::string::npos) return fail(field(), "contains a NUL byte");
    return true;
  }

  bool string(const json& object, std::string_view key, std::string_view parent, size_t maxBytes,
              const std::string** out) {
    const auto field = [&] { return childField(parent, key); };
    const json& value = object.at(key);
    if (!value.is_string()) return fail(field(), "expected a string, got " + typeName(value));
    const auto& s = value.get_ref<const std::string&>();
    if (!text(s, field, maxBytes)) return false;
    if (out) *out = &s;
    return true;
  }

  bool idField(const json& object, std::string_view key, std::string_view parent,
               const std::string** out) {
    const std::string* value = nullptr;
    if (!string(object, key, parent, 64, &value)) return false;
    if (!isId(*value)) {
      return fail(childField(parent, key),
                  "not 32 lowercase hex digits (" + quoteValue(*value) + ")");
    }
    if (out) *out = value;
    return true;
  }

  bool integer(const json& object, std::string_view key, std::string_view parent, int64_t min,
               int64_t max, int64_t* out) {
    const auto field = [&] { return childField(parent, key); };
    const auto found = object.find(key);
    if (found == object.end()) return fail(field(), "missing");
    const json& value = *found;
    if (!value.is_number_integer()) {
      return fail(field(),
                  "expected an integer, got " +
                      (value.is_number() ? std::string("a number with a fraction or exponent")
                                         : typeName(value)));
    }
    const auto range = [&] { return std::to_string(min) + ".." + std::to_string(max); };
    if (value.is_number_unsigned()) {
      const auto u = value.get<uint64_t>();
      if (u > static_cast<uint64_t>(max) || static_cast<int64_t>(u) < min) {
        return fail(field(), std::to_string(u) + " is out of range " + range());
      }
      *out = static_cast<int64_t>(u);
    } else {
      const auto i = value.get<int64_t>();
      if (i < min || i > max) return fail(field(), std::to_string(i) + " is out of range " + range());
      *out = i;
    }
    return true;
  }

  bool boolean(const json& object, std::string_view key, std::string_view parent) {
    const json& value = object.at(key);
    if (!value.is_boolean()) {
      return fail(childField(parent, key), "expected a boolean, got " + typeName(value));
    }
    return true;
  }

  bool author(const json& value) {
    if (!keys(value, "author", "author", {"name", "email"}, {})) return false;
    const std::string* name = nullptr;
    const std::string* email = nullptr;
    if (!string(value, "name", "author", kMaxNameBytes, &name)) return false;
    if (name->empty()) return fail("author.name", "empty");
    if (hasControlCharacter(*name)) return fail("author.name", "contains a control character");
    if (!string(value, "email", "author", kMaxEmailBytes, &email)) return false;
    if (!isPlausibleEmail(*email)) {
      return fail("author.email", "not an email address (" + quoteValue(*email) + ")");
    }
    return true;
  }

  bool body(const json& payload) {
    return string(payload, "body", "payload", kMaxBodyBytes, nullptr);
  }

  bool target(const json& payload, const std::string& thread) {
    if (!payload.contains("target")) return true;
    const std::string* value = nullptr;
    if (!idField(payload, "target", "payload", &value)) return false;
    if (*value == thread) return fail("payload.target", "names the thread; omit it for the thread");
    return true;
  }

  bool assignees(const json& payload) {
    const std::string field = "payload.assignees";
    const json& list = payload.at("assignees");
    if (!list.is_array()) return fail(field, "expected an array, got " + typeName(list));
    if (list.size() > kMaxAssignees) {
      return fail(field, std::to_string(list.size()) + " entries, over the limit of " +
                             std::to_string(kMaxAssignees));
    }
    std::set<std::string_view> seen;
    for (size_t i = 0; i < list.size(); ++i) {
      const auto entry = [&] { return indexField(field, i); };
      if (!list[i].is_string()) return fail(entry(), "expected a string, got " + typeName(list[i]));
      const auto& email = list[i].get_ref<const std::string&>();
      if (!text(email, entry, kMaxEmailBytes)) return false;
      if (!isPlausibleEmail(email)) {
        return fail(entry(), "not an email address (" + quoteValue(email) + ")");
      }
      if (!seen.insert(email).second) return fail(entry(), "duplicate (" + quoteValue(email) + ")");
    }
    return true;
  }

  // A walkthrough's chapters: distinct note ids, never the walkthrough
  // itself, at most kMaxChapters.
  bool chapters(const json& payload, const std::string& thread) {
    const std::string field = "payload.chapters";
    const json& list = payload.at("chapters");
    if (!list.is_array()) return fail(field, "expected an array, got " + typeName(list));
    if (list.size() > kMaxChapters) {
      return fail(field, std::to_string(list.size()) + " entries, over the limit of " +
                             std::to_string(kMaxChapters));
    }
    std::set<std::string_view> seen;
    for (size_t i = 0; i < list.size(); ++i) {
      const auto entry = [&] { return indexField(field, i); };
      if (!list[i].is_string()) return fail(entry(), "expected a string, got " + typeName(list[i]));
      const auto& id = list[i].get_ref<const std::string&>();
      if (!isId(id)) return fail(entry(), "not 32 lowercase hex digits (" + quoteValue(id) + ")");
      if (id == thread) return fail(entry(), "names the walkthrough itself");
      if (!seen.insert(id).second) return fail(entry(), "duplicate (" + quoteValue(id) + ")");
    }
    return true;
  }

  bool anchor(const json& payload) {
    const std::string field = "payload.anchor";
    const json& value = payload.at("anchor");
    if (!keys(value, field, field,
              {"path", "commit", "blob", "start_line", "end_line", "text", "before", "after"},
              {})) {
      return false;
    }
    const std::string* path = nullptr;
    const std::string* commit = nullptr;
    const std::string* blob = nullptr;
    if (!string(value, "path", field, kMaxPathBytes, &path)) return false;
    if (!isConfinedPath(*path)) {
      // The value is not quoted: it may be the very path outside the
      // repository that no output should ever print.
      return fail(field + ".path", "not confined to the repository");
    }
    if (!string(value, "commit", field, 64, &commit)) return false;
    if (!isLowerHexOfLength(*commit, 40)) {
      return fail(field + ".commit", "not 40 lowercase hex digits (" + quoteValue(*commit) + ")");
    }
    if (!string(value, "blob", field, 64, &blob)) return false;
    if (!blob->empty() && !isLowerHexOfLength(*blob, 40)) {
      return fail(field + ".blob",
                  "neither empty nor 40 lowercase hex digits (" + quoteValue(*blob) + ")");
    }
    constexpr int64_t kMaxLine = std::numeric_limits<uint32_t>::max();
    int64_t start = 0, end = 0;
    if (!integer(value, "start_line", field, 1, kMaxLine, &start)) return false;
    if (!integer(value, "end_line", field, 1, kMaxLine, &end)) return false;
    if (end < start) {
      return fail(field + ".end_line",
                  std::to_string(end) + " is before start_line " + std::to_string(start));
    }
    size_t total = 0;
    for (std::string_view key : {"text", "before", "after"}) {
      const std::string* part = nullptr;
      if (!string(value, key, field, kMaxAnchorTextBytes, &part)) return false;
      total += part->size();
    }
    if (total > kMaxAnchorTextBytes) {
      return fail(field, "text, before and after are " + overLimit(total, kMaxAnchorTextBytes));
    }
    return true;
  }

  // `context` is free-form; only its encoding and depth are ours to check.
  bool context(const json& value, const std::string& field, size_t depth) {
    if (depth > kMaxContextDepth) {
      return fail("payload.context", "nested deeper than " + std::to_string(kMaxContextDepth) +
                                         " levels");
    }
    if (value.is_string()) {
      if (!isValidUtf8(value.get_ref<const std::string&>())) return fail(field, "not valid UTF-8");
      return true;
    }
    if (value.is_object()) {
      for (const auto& [key, child] : value.items()) {
        if (!isValidUtf8(key)) return fail(field, "a key is not valid UTF-8");
        if (!context(child, childField(field, key), depth + 1)) return false;
      }
    } else if (value.is_array()) {
      for (size_t i = 0; i < value.size(); ++i) {
        if (!context(value[i], indexField(field, i), depth + 1)) return false;
      }
    } else if (value.is_binary() || value.is_discarded()) {
      return fail(field, "not a JSON value");
    }
    return true;
  }

  bool oneOf(const json& payload, std::string_view key,
             std::initializer_list<std::string_view> allowed) {
    const std::string* value = nullptr;
    if (!string(payload, key, "payload", 64, &value)) return false;
    if (std::find(allowed.begin(), allowed.end(), *value) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + quoteValue(a);
      return fail(childField("payload", key), quoteValue(*value) + " is not one of " + list);
    }
    return true;
  }

  bool payload(const json& value, EventType type, const std::string& thread) {
    switch (type) {
      case EventType::Created: {
        if (!keys(value, "payload", "payload", {"kind", "body", "private", "assignees", "context"},
                  {"anchor"})) {
          return false;
        }
        const std::string* kind = nullptr;
        if (!string(value, "kind", "payload", 64, &kind)) return false;
        const std::optional<ThreadKind> parsed = parseThreadKind(*kind);
        if (!parsed) {
          return fail("payload.kind", "unknown kind " + quoteValue(*kind));
        }
        // A walkthrough has no lines of its own (its chapters do) and nobody
        // to answer it; every other kind is anchored.
        const bool walkthrough = *parsed == ThreadKind::Walkthrough;
        if (walkthrough && value.contains("anchor")) {
          return fail("payload.anchor", "a walkthrough has no lines of its own");
        }
        if (!walkthrough && !value.contains("anchor")) return fail("payload.anchor", "missing");
        if (!body(value) || !boolean(value, "private", "payload") || !assignees(value) ||
            (!walkthrough && !anchor(value))) {
          return false;
        }
        if (walkthrough && !value.at("assignees").empty()) {
          return fail("payload.assignees", "a walkthrough has no assignees");
        }
        const json& ctx = value.at("context");
        if (!ctx.is_object()) {
          return fail("payload.context", "expected an object, got " + typeName(ctx));
        }
        return context(ctx, "payload.context", 1);
      }
      case EventType::Reply:
      case EventType::Answer:
        return keys(value, "payload", "payload", {"body"}, {}) && body(value);
      case EventType::Edit:
        return keys(value, "payload", "payload", {"body"}, {"target"}) && body(value) &&
               target(value, thread);
      case EventType::State:
        return keys(value, "payload", "payload", {"state"}, {}) &&
               oneOf(value, "state", {"open", "resolved"});
      case EventType::Reaction:
        return keys(value, "payload", "payload", {"reaction"}, {}) &&
               oneOf(value, "reaction", {"ack", "+1"});
      case EventType::Assign:
        return keys(value, "payload", "payload", {"assignees"}, {}) && assignees(value);
      case EventType::Reanchor:
        return keys(value, "payload", "payload", {"anchor"}, {}) && anchor(value);
      case EventType::Tombstone:
        return keys(value, "payload", "payload", {}, {"target"}) && target(value, thread);
      case EventType::Chapters:
        return keys(value, "payload", "payload", {"chapters"}, {}) && chapters(value, thread);
    }
    return fail("type", "unknown event type");
  }

  std::string error_;
};

json toWire(const Event& event) {
  return json{
      {"v", event.v},
      {"id", event.id},
      {"type", std::string(toString(event.type))},
      {"thread", event.thread},
      {"replica", event.replica},
      {"lamport", event.lamport},
      {"ts", formatTimestamp(event.ts)},
      {"author", json{{"name", event.author.name}, {"email", event.author.email}}},
      {"payload", event.payload},
  };
}

// Only after WireChecker accepted `wire`, so nothing here can throw.
Event fromWire(json&& wire) {
  const auto take = [](json& value) { return std::move(value.get_ref<std::string&>()); };
  Event event;
  event.v = wire.at("v").get<int>();
  event.id = take(wire.at("id"));
  event.type = *parseEventType(wire.at("type").get_ref<const std::string&>());
  event.thread = take(wire.at("thread"));
  event.replica = take(wire.at("replica"));
  event.lamport = wire.at("lamport").get<uint64_t>();
  event.ts = *parseTimestamp(wire.at("ts").get_ref<const std::string&>());
  event.author.name = take(wire.at("author").at("name"));
  event.author.email = take(wire.at("author").at("email"));
  event.payload = std::move(wire.at("payload"));
  return event;
}

}  // namespace

std::string_view toString(EventType type) {
  switch (type) {
    case EventType::Created: return "created";
    case EventType::Reply: return "reply";
    case EventType::Answer: return "answer";
    case EventType::Edit: return "edit";
    case EventType::State: return "state";
    case EventType::Reaction: return "reaction";
    case EventType::Assign: return "assign";
    case EventType::Reanchor: return "reanchor";
    case EventType::Tombstone: return "tombstone";
    case EventType::Chapters: return "chapters";
  }
  return "";
}

std::optional<EventType> parseEventType(std::string_view name) {
  for (EventType type : {EventType::Created, EventType::Reply, EventType::Answer, EventType::Edit,
                         EventType::State, EventType::Reaction, EventType::Assign,
                         EventType::Reanchor, EventType::Tombstone, EventType::Chapters}) {
    if (toString(type) == name) return type;
  }
  return std::nullopt;
}

std::string_view toString(ThreadKind kind) {
  switch (kind) {
    case ThreadKind::Note: return "note";
    case ThreadKind::Lesson: return "lesson";
    case ThreadKind::Question: return "question";
    case ThreadKind::Walkthrough: return "walkthrough";
  }
  return "";
}

std::optional<ThreadKind> parseThreadKind(std::string_view name) {
  for (ThreadKind kind :
       {ThreadKind::Note, ThreadKind::Lesson, ThreadKind::Question, ThreadKind::Walkthrough}) {
    if (toString(kind) == name) return kind;
  }
  return std::nullopt;
}

json toJson(const Anchor& anchor) {
  // Keys appended in sorted order (each insertion at the end of the map):
  // every thread stored in the index carries one.
  json::object_t object;
  object.emplace_hint(object.end(), "after", anchor.after);
  object.emplace_hint(object.end(), "before", anchor.before);
  object.emplace_hint(object.end(), "blob", anchor.blob);
  object.emplace_hint(object.end(), "commit", anchor.commit);
  object.emplace_hint(object.end(), "end_line", anchor.endLine);
  object.emplace_hint(object.end(), "path", anchor.path);
  object.emplace_hint(object.end(), "start_line", anchor.startLine);
  object.emplace_hint(object.end(), "text", anchor.text);
  return json(std::move(object));
}

Anchor anchorFromJson(const json& value) {
  Anchor anchor;
  if (!value.is_object()) return anchor;
  const auto text = [&](const char* key, std::string& out) {
    if (auto it = value.find(key); it != value.end() && it->is_string()) {
      out = it->get<std::string>();
    }
  };
  const auto line = [&](const char* key, uint32_t& out) {
    auto it = value.find(key);
    if (it == value.end() || !it->is_number_integer()) return;
    if (it->is_number_unsigned()) {
      out = static_cast<uint32_t>(std::min<uint64_t>(it->get<uint64_t>(), UINT32_MAX));
    } else if (it->get<int64_t>() >= 0) {
      out = static_cast<uint32_t>(std::min<int64_t>(it->get<int64_t>(), UINT32_MAX));
    }
  };
  text("path", anchor.path);
  text("commit", anchor.commit);
  text("blob", anchor.blob);
  line("start_line", anchor.startLine);
  line("end_line", anchor.endLine);
  text("text", anchor.text);
  text("before", anchor.before);
  text("after", anchor.after);
  return anchor;
}

std::string encodeEvent(const Event& event) {
  // Callers validate before writing; should an unvalidated event carry
  // invalid UTF-8, encoding substitutes U+FFFD rather than throwing.
  return toWire(event).dump(-1, ' ', false, json::error_handler_t::replace);
}

DecodedEvent decodeEvent(std::string_view bytes) { return decodeEvent(bytes, Parser::Fast); }

DecodedEvent decodeEvent(std::string_view bytes, Parser parser) {
  // Size first, so an oversized blob is never parsed.
  if (bytes.size() > kMaxEventBytes) {
    return {std::nullopt, "event: " + overLimit(bytes.size(), kMaxEventBytes)};
  }
  json wire;
  if (parser == Parser::StrictOnly || !parseFast(bytes, wire)) {
    wire = json();
    if (DecodedEvent refused = parseStrict(bytes, wire); !refused.error.empty()) return refused;
  }
  WireChecker checker;
  if (!checker.check(wire)) return {std::nullopt, checker.error()};
  return {fromWire(std::move(wire)), {}};
}

std::optional<std::string> validateEvent(const Event& event) {
  // formatTimestamp clamps, so the range is checked on the number itself.
  if (event.ts < kMinTimestamp || event.ts > kMaxTimestamp) {
    return "ts: " + std::to_string(event.ts) + " ms is outside years 0000-9999";
  }
  const json wire = toWire(event);
  WireChecker checker;
  if (!checker.check(wire)) return checker.error();
  // Safe to dump now: every string has been checked for UTF-8.
  const size_t size = wire.dump().size();
  if (size > kMaxEventBytes) return "event: " + overLimit(size, kMaxEventBytes);
  return std::nullopt;
}

std::string percentEncodePath(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
                       c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool isConfinedPath(std::string_view path) {
  if (path.empty() || path.size() > kMaxPathBytes) return false;
  if (path.find('\\') != std::string_view::npos) return false;
  for (size_t i = 0; i < path.size(); ++i) {
    const auto c = static_cast<unsigned char>(path[i]);
    // C0 (NUL, newlines, ESC, ...) and DEL; C1 (U+0080-U+009F, C2 80-C2 9F in
    // UTF-8): a path is printed in reports and logs, where these would start
    // a new line or a terminal's control sequence.
    if (c < 0x20 || c == 0x7F) return false;
    if (c == 0xC2 && i + 1 < path.size() && static_cast<unsigned char>(path[i + 1]) <= 0x9F &&
        static_cast<unsigned char>(path[i + 1]) >= 0x80)
      return false;
  }
  // A drive letter ("C:", "C:x") names another disk on Windows, and a
  // leading '~' is a home directory to a shell: both outside the work tree
  // for someone who copies the path.
  const auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
  if (path.size() >= 2 && path[1] == ':' && lower(path[0]) >= 'a' && lower(path[0]) <= 'z') return false;
  if (path[0] == '~') return false;
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    const std::string_view component = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    // Also catches a leading '/', a trailing '/' and "//".
    if (component.empty() || component == "." || component == "..") return false;
    // The repository's own files (or a nested repository's), not the work
    // tree; in any case, as git compares it on case-insensitive disks.
    if (component.size() == 4 && component[0] == '.' && lower(component[1]) == 'g' && lower(component[2]) == 'i' &&
        lower(component[3]) == 't')
      return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

std::string newId() {
  unsigned char bytes[16];
  size_t filled = 0;
  while (filled < sizeof bytes) {
    const ssize_t n = getrandom(bytes + filled, sizeof bytes - filled, 0);
    if (n > 0) {
      filled += static_cast<size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      // Only on kernels without getrandom (before 3.17); random_device reads
      // the same entropy pool another way.
      TACIT_LOG(Warn) << "getrandom failed (errno " << errno << "); using std::random_device";
      std::random_device device;
      for (size_t i = filled; i < sizeof bytes; ++i) {
        bytes[i] = static_cast<unsigned char>(device());
      }
      filled = sizeof bytes;
    }
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(32);
  for (unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 0xF];
  }
  return id;
}

bool isId(std::string_view s) { return isLowerHexOfLength(s, 32); }

std::string formatTimestamp(int64_t unixMillis) {
  // Outside years 0000-9999 RFC 3339 has no spelling; validateEvent refuses
  // such events, so clamping only keeps this function total.
  const int64_t ms = std::clamp(unixMillis, kMinTimestamp, kMaxTimestamp);
  const int64_t seconds = floorDiv(ms, 1000);
  const int64_t days = floorDiv(seconds, 86400);
  const int64_t secondOfDay = seconds - days * 86400;
  const CivilDate date = civilFromDays(days);
  char out[96];  // roomy enough that GCC can prove no truncation
  std::snprintf(
      out, sizeof out, "%04lld-%02d-%02dT%02lld:%02lld:%02lld.%03lldZ",
      static_cast<long long>(date.year), date.month, date.day,
      static_cast<long long>(secondOfDay / 3600), static_cast<long long>(secondOfDay / 60 % 60),
      static_cast<long long>(secondOfDay % 60), static_cast<long long>(ms - seconds * 1000));
  return out;
}

std::optional<int64_t> parseTimestamp(std::string_view s) {
  size_t i = 0;
  const auto number = [&](size_t digits, int& out) {
    if (i + digits > s.size()) return false;
    int value = 0;
    for (size_t k = 0; k < digits; ++k) {
      if (!isDigit(s[i + k])) return false;
      value = value * 10 + (s[i + k] - '0');
    }
    out = value;
    i += digits;
    return true;
  };
  const auto literal = [&](char a, char b) {
    if (i >= s.size() || (s[i] != a && s[i] != b)) return false;
    ++i;
    return true;
  };
  int year, month, day, hour, minute, second;
  if (!number(4, year) || !literal('-', '-') || !number(2, month) || !literal('-', '-') ||
      !number(2, day) || !literal('T', 't') || !number(2, hour) || !literal(':', ':') ||
      !number(2, minute) || !literal(':', ':') || !number(2, second)) {
    return std::nullopt;
  }
  int64_t millis = 0;
  if (i < s.size() && s[i] == '.') {
    const size_t start = ++i;
    while (i < s.size() && isDigit(s[i])) {
      if (i - start < 3) millis = millis * 10 + (s[i] - '0');
      ++i;
    }
    const size_t digits = i - start;
    if (digits == 0 || digits > 9) return std::nullopt;
    for (size_t k = digits; k < 3; ++k) millis *= 10;  // truncated, never rounded up
  }
  int offsetMinutes = 0;
  if (!literal('Z', 'z')) {
    if (i >= s.size() || (s[i] != '+' && s[i] != '-')) return std::nullopt;
    const int sign = s[i] == '-' ? -1 : 1;
    ++i;
    int offsetHours, offsetMins;
    if (!number(2, offsetHours) || !literal(':', ':') || !number(2, offsetMins)) {
      return std::nullopt;
    }
    if (offsetHours > 23 || offsetMins > 59) return std::nullopt;
    offsetMinutes = sign * (offsetHours * 60 + offsetMins);
  }
  if (i != s.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return std::nullopt;
  // 60 is a leap second; like POSIX time it lands on the next second.
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const int64_t seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                          second - int64_t{offsetMinutes} * 60;
  const int64_t result = seconds * 1000 + millis;
  // Offsets can push the edges out of the range formatTimestamp spells.
  if (result < kMinTimestamp || result > kMaxTimestamp) return std::nullopt;
  return result;
}

bool eventOrder(const Event& a, const Event& b) {
  if (a.lamport != b.lamport) return a.lamport < b.lamport;
  if (a.replica != b.replica) return a.replica < b.replica;
  return a.id < b.id;
}

}  // namespace tacit::store
