// UUIDs: name-based (version 5, SHA-1) for deterministic resource ids, and random
// (version 4) for run ids.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace fos {

using Sha1Digest = std::array<uint8_t, 20>;
Sha1Digest sha1(std::string_view bytes);

class Uuid {
 public:
  /// RFC 9562 version 5 UUID of `name` in namespace `ns`.
  static Uuid name_based(const Uuid& ns, std::string_view name);
  /// name_based of each name into `out` (same size): two at a time, which on processors
  /// with SHA extensions costs little more than one.
  static void name_based(const Uuid& ns, std::span<const std::string_view> names,
                         std::span<Uuid> out);
  /// Version 4 UUID from the operating system's entropy (not deterministic; for run ids).
  static Uuid random();
  /// Parse the 36-character text form.
  static Uuid parse(std::string_view text);

  /// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lower case.
  std::string str() const;
  void append_to(std::string& out) const;
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  auto operator<=>(const Uuid&) const = default;

 private:
  // The version 5 UUID from the first four words of a SHA-1 state.
  static Uuid from_sha1_state(const uint32_t* h);

  std::array<uint8_t, 16> bytes_{};
};

}  // namespace fos
