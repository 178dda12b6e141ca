// Json tree construction from simdjson's on-demand parser (zero-copy, arena-backed), the
// arena, and compact serialization.
#include "fhir/read/json.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/error.hpp"
#include "core/json_writer.hpp"

namespace fos::fhir {

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);
static_assert(sizeof(Json) == 16);
static_assert(std::is_trivially_copyable_v<Json>);

void* JsonArena::allocate_bytes(size_t bytes, size_t align) {
  if (!blocks_.empty()) {
    const size_t start = (used_ + align - 1) & ~(align - 1);
    if (start + bytes <= blocks_.back().size) {
      used_ = start + bytes;
      return blocks_.back().data.get() + start;
    }
  }
  const size_t size = std::max(next_block_, bytes + align);
  next_block_ = std::min<size_t>(size * 2, size_t{4} << 20);
  // NOLINTNEXTLINE(cppcoreguidelines-avoid-c-arrays,modernize-avoid-c-arrays)
  blocks_.push_back({std::make_unique_for_overwrite<std::byte[]>(size), size});
  used_ = bytes;
  return blocks_.back().data.get();
}

std::string_view JsonArena::copy(std::string_view text) {
  if (text.empty()) return {};
  char* out = allocate<char>(text.size());
  std::memcpy(out, text.data(), text.size());
  return {out, text.size()};
}

void JsonArena::reset() {
  if (blocks_.empty()) return;
  auto largest = std::max_element(blocks_.begin(), blocks_.end(),
                                  [](const Block& a, const Block& b) { return a.size < b.size; });
  Block keep = std::move(*largest);
  blocks_.clear();
  blocks_.push_back(std::move(keep));
  used_ = 0;
}

Json Json::boolean(bool value) {
  Json json;
  json.kind_ = Kind::kBool;
  json.flag_ = value;
  return json;
}

namespace {

uint32_t checked_size(size_t size) {
  if (size > std::numeric_limits<uint32_t>::max()) {
    fail(ErrorKind::kInvalidInput, "JSON value larger than 4 GB");
  }
  return static_cast<uint32_t>(size);
}

}  // namespace

Json Json::number(std::string_view lexical) {
  Json json;
  json.kind_ = Kind::kNumber;
  json.chars_ = lexical.data();
  json.size_ = checked_size(lexical.size());
  return json;
}

Json Json::string(std::string_view value) {
  Json json;
  json.kind_ = Kind::kString;
  json.chars_ = value.data();
  json.size_ = checked_size(value.size());
  return json;
}

Json Json::array(std::span<Json> items) {
  Json json;
  json.kind_ = Kind::kArray;
  json.items_ = items.data();
  json.size_ = checked_size(items.size());
  return json;
}

Json Json::object(std::span<Member> members) {
  Json json;
  json.kind_ = Kind::kObject;
  json.members_ = members.data();
  json.size_ = checked_size(members.size());
  return json;
}

bool Json::is_integer_number() const {
  return kind_ == Kind::kNumber && text().find_first_of(".eE") == std::string_view::npos;
}

namespace {

// Key equality with the cheap tests first (most keys differ in length or first letter).
bool same_key(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || (a[0] == b[0] && a == b));
}

}  // namespace

const Json* Json::find(std::string_view key) const {
  for (const auto& [name, value] : members()) {
    if (same_key(name, key)) return &value;
  }
  return nullptr;
}

Json* Json::find(std::string_view key) {
  for (auto& [name, value] : members()) {
    if (same_key(name, key)) return &value;
  }
  return nullptr;
}

std::optional<std::string_view> Json::find_string(std::string_view key) const {
  const Json* value = find(key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->text();
}

void Json::add(std::string_view key, Json value, JsonArena& arena) {
  const std::span<Member> old = members();
  auto* grown = arena.allocate<Member>(old.size() + 1);
  for (size_t i = 0; i < old.size(); ++i) new (grown + i) Member(old[i]);
  new (grown + old.size()) Member(key, value);
  *this = object(std::span<Member>(grown, old.size() + 1));
}

namespace {

namespace od = simdjson::ondemand;

std::string_view trim_token(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                            token.back() == '\r')) {
    token.remove_suffix(1);
  }
  return token;
}

// Builds one document's nodes. Children are gathered on stacks reused from document to
// document and copied into the arena at their final size when their container closes.
class Builder {
 public:
  explicit Builder(JsonArena& arena) : arena_(arena) {}

  Json document(od::document& doc) {
    switch (doc.type().value()) {
      case od::json_type::object:
        return object(doc.get_object().value(), 0);
      case od::json_type::array:
        return array(doc.get_array().value(), 0);
      default:
        if (doc.is_null().value()) return Json::null();
        throw simdjson::simdjson_error(simdjson::SCALAR_DOCUMENT_AS_VALUE);
    }
  }

 private:
  // A key straight from the input when it has no escapes, else unescaped into the arena.
  std::string_view key(simdjson::simdjson_result<od::field>& field) {
    const char* start = field.key().value().raw();
    const char* end = start;
    while (*end != '"') {
      if (*end == '\\') return arena_.copy(field.unescaped_key().value());
      ++end;
    }
    return {start, static_cast<size_t>(end - start)};
  }

  // A string straight from the input when it has no escapes, else unescaped into the arena.
  std::string_view string(od::value& value) {
    const std::string_view token = trim_token(value.raw_json_token());
    if (token.size() >= 2 && token.front() == '"' && token.back() == '"') {
      const std::string_view inner = token.substr(1, token.size() - 2);
      if (inner.find('\\') == std::string_view::npos) {
        (void)value.get_raw_json_string().value();
        return inner;
      }
    }
    return arena_.copy(value.get_string().value());
  }

  Json object(od::object object, int depth) {
    const size_t base = members_.size();
    try {
      for (auto field : object) {
        const std::string_view name = key(field);
        od::value child = field.value().value();
        Json json = value(child, depth + 1);
        members_.emplace_back(name, json);
      }
    } catch (...) {
      members_.resize(base);
      throw;
    }
    const size_t count = members_.size() - base;
    auto* out = arena_.allocate<Json::Member>(count);
    std::uninitialized_copy(members_.begin() + static_cast<ptrdiff_t>(base), members_.end(), out);
    members_.resize(base);
    return Json::object(std::span<Json::Member>(out, count));
  }

  Json array(od::array array, int depth) {
    const size_t base = items_.size();
    try {
      for (auto item : array) {
        od::value child = item.value();
        Json json = value(child, depth + 1);
        items_.push_back(json);
      }
    } catch (...) {
      items_.resize(base);
      throw;
    }
    const size_t count = items_.size() - base;
    auto* out = arena_.allocate<Json>(count);
    std::uninitialized_copy(items_.begin() + static_cast<ptrdiff_t>(base), items_.end(), out);
    items_.resize(base);
    return Json::array(std::span<Json>(out, count));
  }

  Json value(od::value& value, int depth) {
    if (depth > 256) throw simdjson::simdjson_error(simdjson::DEPTH_ERROR);
    switch (value.type().value()) {
      case od::json_type::object:
        return object(value.get_object().value(), depth);
      case od::json_type::array:
        return array(value.get_array().value(), depth);
      case od::json_type::string:
        return Json::string(string(value));
      case od::json_type::number: {
        const std::string_view token = trim_token(value.raw_json_token());
        (void)value.get_double().value();  // validates the number's syntax
        return Json::number(token);
      }
      case od::json_type::boolean:
        return Json::boolean(value.get_bool().value());
      case od::json_type::null:
        if (!value.is_null().value()) throw simdjson::simdjson_error(simdjson::N_ATOM_ERROR);
        return Json::null();
    }
    throw simdjson::simdjson_error(simdjson::TAPE_ERROR);
  }

  JsonArena& arena_;
  std::vector<Json::Member>& members_ = member_stack();
  std::vector<Json>& items_ = item_stack();

  static std::vector<Json::Member>& member_stack() {
    thread_local std::vector<Json::Member> stack;
    return stack;
  }
  static std::vector<Json>& item_stack() {
    thread_local std::vector<Json> stack;
    return stack;
  }
};

}  // namespace

namespace {

// Parse, naming the document with where() in the error message.
template <typename Where>
Json parse_in_place(std::string_view text, const Where& where, JsonArena& arena) {
  thread_local od::parser parser;
  try {
    od::document doc = parser.iterate(text.data(), text.size(), text.size() + kJsonPadding).value();
    Json json = Builder(arena).document(doc);
    if (!doc.current_location().error()) throw simdjson::simdjson_error(simdjson::TRAILING_CONTENT);
    return json;
  } catch (const simdjson::simdjson_error& e) {
    fail(ErrorKind::kInvalidInput,
         where() + ": malformed JSON (" + simdjson::error_message(e.error()) + ")");
  }
}

}  // namespace

Json parse_json_in_place(std::string_view text, std::string_view where, JsonArena& arena) {
  return parse_in_place(
      text, [where] { return std::string(where); }, arena);
}

Json parse_json_in_place(std::string_view text, std::string_view file, uint64_t line,
                         JsonArena& arena) {
  auto where = [file, line] {
    std::string out(file);
    if (line) out += ": line " + std::to_string(line);
    return out;
  };
  return parse_in_place(text, where, arena);
}

JsonDocument parse_json_owned(std::string text, std::string_view where) {
  JsonDocument document;
  const size_t size = text.size();
  document.arena_ = JsonArena(std::max<size_t>(1024, 2 * size));
  text.append(kJsonPadding, ' ');
  document.text_ = std::move(text);
  document.root_ =
      parse_json_in_place(std::string_view(document.text_.data(), size), where, document.arena_);
  return document;
}

JsonDocument parse_json(std::string_view text, std::string_view where) {
  std::string copy;
  copy.reserve(text.size() + kJsonPadding);
  copy.append(text);
  return parse_json_owned(std::move(copy), where);
}

namespace {

void write_value(const Json& value, JsonWriter& writer) {
  switch (value.kind()) {
    case Json::Kind::kNull:
      writer.null();
      return;
    case Json::Kind::kBool:
      writer.value(value.as_bool());
      return;
    case Json::Kind::kNumber:
      writer.raw(value.text());
      return;
    case Json::Kind::kString:
      writer.value(std::string_view(value.text()));
      return;
    case Json::Kind::kArray:
      writer.begin_array();
      for (const Json& item : value.items()) write_value(item, writer);
      writer.end_array();
      return;
    case Json::Kind::kObject:
      writer.begin_object();
      for (const auto& [key, member] : value.members()) {
        writer.key(key);
        write_value(member, writer);
      }
      writer.end_object();
      return;
  }
}

}  // namespace

void write_json(const Json& value, std::string& out) {
  JsonWriter writer(out);
  write_value(value, writer);
}

std::string to_json(const Json& value) {
  std::string out;
  write_json(value, out);
  return out;
}

}  // namespace fos::fhir
