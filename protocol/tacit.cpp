#include "protocol/tacit.h"

namespace tacit::protocol {

void fromJSON(const json& j, DocumentTextParams& out, const std::string& path) {
  ObjectReader(j, path).required("textDocument", out.textDocument);
}

void to_json(json& j, const DocumentTextResult& r) {
  j = {{"uri", r.uri}, {"version", r.version}, {"text", r.text}, {"lineCount", r.lineCount}};
}

}  // namespace tacit::protocol
