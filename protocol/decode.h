// Strict decoding of JSON into protocol structs. Every failure throws a
// DecodeError whose message names the offending field ("params.position.line:
// expected a non-negative integer"), which the rpc layer turns into -32602.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tacit::protocol {

using json = nlohmann::json;

class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void decodeFailure(const std::string& path, const std::string& what) {
  throw DecodeError(path + ": " + what);
}

inline std::string describeType(const json& j) { return j.type_name(); }

inline void fromJSON(const json& j, std::string& out, const std::string& path) {
  if (!j.is_string()) decodeFailure(path, "expected a string, got " + describeType(j));
  out = j.get<std::string>();
}

inline void fromJSON(const json& j, bool& out, const std::string& path) {
  if (!j.is_boolean()) decodeFailure(path, "expected a boolean, got " + describeType(j));
  out = j.get<bool>();
}

// LSP `integer`: -2^31 .. 2^31-1.
inline void fromJSON(const json& j, int64_t& out, const std::string& path) {
  if (!j.is_number_integer()) decodeFailure(path, "expected an integer, got " + describeType(j));
  if (j.is_number_unsigned()) {
    auto v = j.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int32_t>::max()))
      decodeFailure(path, "integer out of range");
    out = static_cast<int64_t>(v);
    return;
  }
  auto v = j.get<int64_t>();
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
    decodeFailure(path, "integer out of range");
  out = v;
}

// LSP `uinteger`: 0 .. 2^31-1.
inline void fromJSON(const json& j, uint32_t& out, const std::string& path) {
  if (!j.is_number_unsigned())
    decodeFailure(path, "expected a non-negative integer, got " +
                            (j.is_number_integer() ? std::string("a negative number")
                                                   : describeType(j)));
  auto v = j.get<uint64_t>();
  if (v > static_cast<uint64_t>(std::numeric_limits<int32_t>::max()))
    decodeFailure(path, "integer out of range");
  out = static_cast<uint32_t>(v);
}

inline void fromJSON(const json& j, json& out, const std::string&) { out = j; }

template <typename T>
void fromJSON(const json& j, std::vector<T>& out, const std::string& path) {
  if (!j.is_array()) decodeFailure(path, "expected an array, got " + describeType(j));
  out.clear();
  out.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    T item{};
    fromJSON(j[i], item, path + "[" + std::to_string(i) + "]");
    out.push_back(std::move(item));
  }
}

// Reads the fields of one JSON object, tracking the path for error messages.
class ObjectReader {
 public:
  ObjectReader(const json& j, std::string path) : json_(j), path_(std::move(path)) {
    if (!j.is_object()) decodeFailure(path_, "expected an object, got " + describeType(j));
  }

  template <typename T>
  void required(const char* key, T& out) const {
    auto it = json_.find(key);
    if (it == json_.end()) decodeFailure(child(key), "required field is missing");
    fromJSON(*it, out, child(key));
  }

  // Absent and null both leave the optional empty (LSP uses both for "not given").
  template <typename T>
  void optional(const char* key, std::optional<T>& out) const {
    auto it = json_.find(key);
    if (it == json_.end() || it->is_null()) {
      out.reset();
      return;
    }
    T value{};
    fromJSON(*it, value, child(key));
    out = std::move(value);
  }

  const json* find(const char* key) const {
    auto it = json_.find(key);
    return it == json_.end() ? nullptr : &*it;
  }

  std::string child(const char* key) const { return path_ + "." + key; }

 private:
  const json& json_;
  std::string path_;
};

}  // namespace tacit::protocol
