// SHA-1 (FIPS 180-4) and UUID forms.
#include "core/uuid.hpp"

#include <bit>
#include <cstring>
#include <random>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

#include "core/error.hpp"

namespace fos {
namespace {

inline uint32_t rotl32(uint32_t x, int k) {
  return (x << k) | (x >> (32 - k));
}

uint32_t load_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// The round functions of the four 20-round stages.
struct Choose {
  static constexpr uint32_t kK = 0x5A827999;
  static uint32_t f(uint32_t b, uint32_t c, uint32_t d) { return d ^ (b & (c ^ d)); }
};
struct Parity {
  static constexpr uint32_t kK = 0x6ED9EBA1;
  static uint32_t f(uint32_t b, uint32_t c, uint32_t d) { return b ^ c ^ d; }
};
struct Majority {
  static constexpr uint32_t kK = 0x8F1BBCDC;
  static uint32_t f(uint32_t b, uint32_t c, uint32_t d) { return (b & c) | (d & (b | c)); }
};
struct Parity2 {
  static constexpr uint32_t kK = 0xCA62C1D6;
  static uint32_t f(uint32_t b, uint32_t c, uint32_t d) { return b ^ c ^ d; }
};

// Rounds [first, first + 20) with the message schedule kept as a rolling window of 16 words.
template <typename Stage>
inline void sha1_stage(uint32_t (&v)[5], uint32_t (&w)[16], int first) {
  for (int t = first; t < first + 20; ++t) {
    if (t >= 16) {
      w[t & 15] = rotl32(w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15], 1);
    }
    const uint32_t temp =
        rotl32(v[0], 5) + Stage::f(v[1], v[2], v[3]) + v[4] + Stage::kK + w[t & 15];
    v[4] = v[3];
    v[3] = v[2];
    v[2] = rotl32(v[1], 30);
    v[1] = v[0];
    v[0] = temp;
  }
}

void sha1_block(uint32_t h[5], const uint8_t* block) {
  uint32_t w[16];
  for (size_t t = 0; t < 16; ++t) w[t] = load_be32(block + 4 * t);
  uint32_t v[5] = {h[0], h[1], h[2], h[3], h[4]};
  sha1_stage<Choose>(v, w, 0);
  sha1_stage<Parity>(v, w, 20);
  sha1_stage<Majority>(v, w, 40);
  sha1_stage<Parity2>(v, w, 60);
  for (size_t i = 0; i < 5; ++i) h[i] += v[i];
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FOS_SHA1_NI 1
// The same compression with the x86 SHA extensions: four rounds per sha1rnds4, the message
// schedule by sha1msg1/sha1msg2. Lanes hold words in reverse order (word 0 in the top lane).
// `Ways` independent blocks (each with its own state) go through the rounds side by side, so
// the processor overlaps their latencies.
template <int Ways>
__attribute__((target("sha,sse4.1"))) inline void sha1_blocks_ni(uint32_t* const* h,
                                                                 const uint8_t* const* block) {
  const __m128i reverse = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
  __m128i abcd[Ways], abcd_start[Ways], e_start[Ways], e[Ways], previous[Ways], w[Ways][4];
  for (int k = 0; k < Ways; ++k) {
    abcd[k] = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h[k])), 0x1B);
    abcd_start[k] = abcd[k];
    e_start[k] = _mm_set_epi32(static_cast<int>(h[k][4]), 0, 0, 0);
    for (size_t i = 0; i < 4; ++i) {
      w[k][i] = _mm_shuffle_epi8(
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(block[k] + 16 * i)), reverse);
    }
    e[k] = _mm_add_epi32(e_start[k], w[k][0]);
    previous[k] = abcd[k];
  }
  for (int i = 0; i < 20; ++i) {
    for (int k = 0; k < Ways; ++k) {
      __m128i& wi = w[k][i % 4];
      if (i >= 4) {
        wi = _mm_sha1msg2_epu32(
            _mm_xor_si128(_mm_sha1msg1_epu32(wi, w[k][(i + 1) % 4]), w[k][(i + 2) % 4]),
            w[k][(i + 3) % 4]);
      }
      if (i > 0) e[k] = _mm_sha1nexte_epu32(previous[k], wi);
      previous[k] = abcd[k];
      switch (i / 5) {
        case 0:
          abcd[k] = _mm_sha1rnds4_epu32(abcd[k], e[k], 0);
          break;
        case 1:
          abcd[k] = _mm_sha1rnds4_epu32(abcd[k], e[k], 1);
          break;
        case 2:
          abcd[k] = _mm_sha1rnds4_epu32(abcd[k], e[k], 2);
          break;
        default:
          abcd[k] = _mm_sha1rnds4_epu32(abcd[k], e[k], 3);
      }
    }
  }
  for (int k = 0; k < Ways; ++k) {
    e[k] = _mm_sha1nexte_epu32(previous[k], e_start[k]);
    abcd[k] = _mm_shuffle_epi32(_mm_add_epi32(abcd[k], abcd_start[k]), 0x1B);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(h[k]), abcd[k]);
    h[k][4] = static_cast<uint32_t>(_mm_extract_epi32(e[k], 3));
  }
}

__attribute__((target("sha,sse4.1"))) void sha1_block_ni(uint32_t h[5], const uint8_t* block) {
  sha1_blocks_ni<1>(&h, &block);
}

__attribute__((target("sha,sse4.1"))) void sha1_block_pair_ni(uint32_t* h0, const uint8_t* b0,
                                                              uint32_t* h1, const uint8_t* b1) {
  uint32_t* const h[2] = {h0, h1};
  const uint8_t* const blocks[2] = {b0, b1};
  sha1_blocks_ni<2>(h, blocks);
}
#endif

using BlockFn = void (*)(uint32_t*, const uint8_t*);

bool has_sha_extensions() {
#ifdef FOS_SHA1_NI
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  const bool sse41 = __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 && (ecx & (1U << 19)) != 0;
  const bool sha = __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) != 0 && (ebx & (1U << 29)) != 0;
  return sse41 && sha;
#else
  return false;
#endif
}

// The compression function for this CPU, chosen once.
BlockFn block_function() {
#ifdef FOS_SHA1_NI
  if (has_sha_extensions()) return sha1_block_ni;
#endif
  return sha1_block;
}

using PairFn = void (*)(uint32_t*, const uint8_t*, uint32_t*, const uint8_t*);

void sha1_block_pair(uint32_t* h0, const uint8_t* b0, uint32_t* h1, const uint8_t* b1) {
  sha1_block(h0, b0);
  sha1_block(h1, b1);
}

// Two blocks of two messages at once, for this CPU.
PairFn pair_function() {
#ifdef FOS_SHA1_NI
  if (has_sha_extensions()) return sha1_block_pair_ni;
#endif
  return sha1_block_pair;
}

constexpr uint32_t kSha1Init[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};

// Names this short fit one block together with the namespace, padding and length.
constexpr size_t kOneBlockName = 64 - 16 - 9;

// The single padded block of `ns` + `name`. REQUIRES: name.size() <= kOneBlockName.
void one_block(const std::array<uint8_t, 16>& ns, std::string_view name, uint8_t (&block)[64]) {
  std::memset(block, 0, sizeof block);
  std::memcpy(block, ns.data(), 16);
  std::memcpy(block + 16, name.data(), name.size());
  block[16 + name.size()] = 0x80;
  const uint64_t bits = static_cast<uint64_t>(16 + name.size()) * 8;
  if constexpr (std::endian::native == std::endian::little) {
    // The message length in bits, big-endian, in the last eight bytes (one store).
    const uint64_t big_endian = __builtin_bswap64(bits);
    std::memcpy(block + 56, &big_endian, 8);
  } else {
    for (int i = 0; i < 8; ++i) block[63 - i] = static_cast<uint8_t>(bits >> (8 * i));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Sha1Digest sha1(std::string_view bytes) {
  static const BlockFn kBlock = block_function();
  uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  size_t n = bytes.size();
  while (n >= 64) {
    kBlock(h, data);
    data += 64;
    n -= 64;
  }
  uint8_t tail[128] = {};
  std::memcpy(tail, data, n);
  tail[n] = 0x80;
  const size_t tail_len = n + 9 <= 64 ? 64 : 128;
  const uint64_t bits = static_cast<uint64_t>(bytes.size()) * 8;
  for (int i = 0; i < 8; ++i) tail[tail_len - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
  kBlock(h, tail);
  if (tail_len == 128) kBlock(h, tail + 64);
  Sha1Digest out{};
  for (size_t i = 0; i < 5; ++i) {
    out[4 * i] = static_cast<uint8_t>(h[i] >> 24);
    out[4 * i + 1] = static_cast<uint8_t>(h[i] >> 16);
    out[4 * i + 2] = static_cast<uint8_t>(h[i] >> 8);
    out[4 * i + 3] = static_cast<uint8_t>(h[i]);
  }
  return out;
}

Uuid Uuid::from_sha1_state(const uint32_t* h) {
  Uuid u;
  for (size_t i = 0; i < 4; ++i) {
    if constexpr (std::endian::native == std::endian::little) {
      const uint32_t big_endian = __builtin_bswap32(h[i]);  // the digest's byte order
      std::memcpy(u.bytes_.data() + 4 * i, &big_endian, 4);
    } else {
      std::memcpy(u.bytes_.data() + 4 * i, &h[i], 4);
    }
  }
  u.bytes_[6] = static_cast<uint8_t>((u.bytes_[6] & 0x0F) | 0x50);
  u.bytes_[8] = static_cast<uint8_t>((u.bytes_[8] & 0x3F) | 0x80);
  return u;
}

Uuid Uuid::name_based(const Uuid& ns, std::string_view name) {
  if (name.size() <= kOneBlockName) {
    // The common case, a short name: one block put together in place and compressed once.
    static const BlockFn kBlock = block_function();
    uint8_t block[64];
    one_block(ns.bytes_, name, block);
    uint32_t h[5] = {kSha1Init[0], kSha1Init[1], kSha1Init[2], kSha1Init[3], kSha1Init[4]};
    kBlock(h, block);
    return from_sha1_state(h);
  }
  std::string input(reinterpret_cast<const char*>(ns.bytes_.data()), 16);
  input.append(name);
  const Sha1Digest digest = sha1(input);
  uint32_t h[4];
  for (size_t i = 0; i < 4; ++i) h[i] = load_be32(digest.data() + 4 * i);
  return from_sha1_state(h);
}

void Uuid::name_based(const Uuid& ns, std::span<const std::string_view> names,
                      std::span<Uuid> out) {
  FOS_ASSERT(out.size() == names.size());
  static const PairFn kPair = pair_function();
  size_t i = 0;
  for (; i + 1 < names.size(); i += 2) {
    if (names[i].size() > kOneBlockName || names[i + 1].size() > kOneBlockName) {
      out[i] = name_based(ns, names[i]);
      out[i + 1] = name_based(ns, names[i + 1]);
      continue;
    }
    uint8_t first[64];
    uint8_t second[64];
    one_block(ns.bytes_, names[i], first);
    one_block(ns.bytes_, names[i + 1], second);
    uint32_t h0[5] = {kSha1Init[0], kSha1Init[1], kSha1Init[2], kSha1Init[3], kSha1Init[4]};
    uint32_t h1[5] = {kSha1Init[0], kSha1Init[1], kSha1Init[2], kSha1Init[3], kSha1Init[4]};
    kPair(h0, first, h1, second);
    out[i] = from_sha1_state(h0);
    out[i + 1] = from_sha1_state(h1);
  }
  if (i < names.size()) out[i] = name_based(ns, names[i]);
}

Uuid Uuid::random() {
  std::random_device device;
  Uuid u;
  for (size_t i = 0; i < 16; i += 4) {
    const uint32_t r = device();
    std::memcpy(u.bytes_.data() + i, &r, 4);
  }
  u.bytes_[6] = static_cast<uint8_t>((u.bytes_[6] & 0x0F) | 0x40);
  u.bytes_[8] = static_cast<uint8_t>((u.bytes_[8] & 0x3F) | 0x80);
  return u;
}

Uuid Uuid::parse(std::string_view text) {
  Uuid u;
  size_t byte = 0;
  bool ok = text.size() == 36;
  for (size_t i = 0; ok && i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      ok = text[i] == '-';
      continue;
    }
    const int hi = hex_value(text[i]);
    const int lo = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
    ok = hi >= 0 && lo >= 0;
    if (ok) u.bytes_[byte++] = static_cast<uint8_t>(hi * 16 + lo);
    ++i;
  }
  if (!ok || byte != 16) fail(ErrorKind::kInvalidInput, "not a UUID: '" + std::string(text) + "'");
  return u;
}

void Uuid::append_to(std::string& out) const {
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes_[i] >> 4]);
    out.push_back(kHex[bytes_[i] & 0xF]);
  }
}

std::string Uuid::str() const {
  std::string out;
  out.reserve(36);
  append_to(out);
  return out;
}

}  // namespace fos
