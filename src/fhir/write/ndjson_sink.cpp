// Bulk Data NDJSON layout: <Type>.ndjson per resource type plus manifest.json.
//
// Patient-owned resources are rendered on worker threads into one buffer per
// type; write() only appends them. The shared resources (Organization,
// Location, Practitioner) are written at finish() for exactly the ids the
// written patients used, sorted by FHIR id.
#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/json_writer.hpp"
#include "core/output.hpp"
#include "fhir/write/resources.hpp"
#include "fhir/write/sinks.hpp"

namespace fos::fhir {
namespace {

namespace fs = std::filesystem;
using detail::ResourceType;

// The types render() makes, in ResourceType order.
constexpr int kPatientTypes = detail::kPatientTypeCount;

// Buffers up to this size are kept whatever a block used of them.
constexpr size_t kKeepAnyway = size_t{64} << 10;

struct NdjsonBlock final : record::RenderedBlock {
  // Resources are written in place into these (JsonWriter on a JsonBuffer): no copy.
  std::array<JsonBuffer, kPatientTypes> text;
  std::array<uint64_t, kPatientTypes> count{};
  SharedIds shared;

  // Empty again, keeping the buffers' capacity, except where a buffer is more than twice
  // what this block used (a large patient's block): that memory is given back rather than
  // carried by every later block.
  void clear() {
    for (JsonBuffer& t : text) {
      if (t.capacity() > 2 * t.size() + kKeepAnyway) {
        t.release();
      } else {
        t.clear();
      }
    }
    count.fill(0);
    shared.organizations.clear();
    shared.providers.clear();
  }
};

// Written blocks kept for reuse: at most this many. Blocks come back at the rate the writer
// takes them and renders take them at the same rate, so a few suffice.
constexpr size_t kMaxSpareBlocks = 4;

class NdjsonSink final : public record::RecordSink {
 public:
  NdjsonSink(fs::path dir, const record::ProviderDirectory& directory, FhirWriteOptions options)
      : dir_(std::move(dir)),
        options_(std::move(options)),
        shared_(directory, detail::RefStyle::kRelative) {}

  std::unique_ptr<record::RenderedBlock> render(
      std::span<const record::PatientRecord> block) const override {
    std::unique_ptr<NdjsonBlock> out = take_spare();
    reserve(block, *out);
    detail::PatientContext ctx(shared_, &thread_concepts());
    for (const auto& record : block) {
      ctx.load(record);
      render_patient_resources(ctx, *out);
      out->shared.add(ctx);
    }
    return out;
  }

  void write(std::unique_ptr<record::RenderedBlock> block) override {
    FOS_ASSERT(!finished_);
    auto& b = dynamic_cast<NdjsonBlock&>(*block);
    for (int t = 0; t < kPatientTypes; ++t) {
      append(static_cast<ResourceType>(t), b.text[t].view(), b.count[t]);
    }
    shared_ids_.organizations.merge(b.shared.organizations);
    shared_ids_.providers.merge(b.shared.providers);
    // The block is an NdjsonBlock (checked above): keep it, as one, for the next render.
    keep_spare(std::unique_ptr<NdjsonBlock>(static_cast<NdjsonBlock*>(block.release())));
  }

  void finish() override {
    FOS_ASSERT(!finished_);
    write_shared();
    std::vector<ManifestOutput> outputs;
    for (int t = 0; t < detail::kResourceTypeCount; ++t) {
      if (!files_[t]) continue;
      files_[t]->commit();
      const std::string type(detail::type_name(static_cast<ResourceType>(t)));
      outputs.push_back({type, type + ".ndjson", counts_[t]});
    }
    write_file_atomic(dir_ / "manifest.json", render_manifest(options_, std::move(outputs)));
    finished_ = true;
  }

  record::OutputCounts counts() const override {
    record::OutputCounts out;
    for (int t = 0; t < detail::kResourceTypeCount; ++t) {
      if (counts_[t] > 0)
        out[std::string(detail::type_name(static_cast<ResourceType>(t)))] = counts_[t];
    }
    return out;
  }

 private:
  // A written block's buffers, or new ones. Reused buffers keep their pages, so rendering
  // does not fault fresh memory in (and zero it) for every block.
  std::unique_ptr<NdjsonBlock> take_spare() const {
    {
      std::lock_guard lock(spare_mutex_);
      if (!spare_.empty()) {
        std::unique_ptr<NdjsonBlock> out = std::move(spare_.back());
        spare_.pop_back();
        return out;
      }
    }
    return std::make_unique<NdjsonBlock>();
  }

  void keep_spare(std::unique_ptr<NdjsonBlock> block) {
    block->clear();
    std::lock_guard lock(spare_mutex_);
    if (spare_.size() < kMaxSpareBlocks) spare_.push_back(std::move(block));
  }

  // The calling thread's concept cache. One per rendering thread, kept for the sink's life
  // (so it does not outlive the text it has seen), stays warm in that core's caches.
  detail::ConceptCache& thread_concepts() const {
    const std::thread::id me = std::this_thread::get_id();
    std::lock_guard lock(concepts_mutex_);
    for (auto& [id, cache] : concepts_) {
      if (id == me) return *cache;
    }
    return *concepts_.emplace_back(me, std::make_unique<detail::ConceptCache>()).second;
  }

  // Room for the block's text at typical resource sizes plus a quarter, so buffers grow
  // (copying what they hold) at most rarely. Room reserved and not written costs no more
  // than its address space.
  static void reserve(std::span<const record::PatientRecord> block, NdjsonBlock& out) {
    const auto room = [](size_t bytes) { return bytes + bytes / 4 + JsonBuffer::kGrowth; };
    out.text[0].reserve(room(block.size() * 2600));
    for (const EntryKind& kind : entry_kinds()) {
      size_t n = 0;
      for (const auto& r : block) n += kind.count(r);
      if (n > 0) out.text[static_cast<int>(kind.type)].reserve(room(n * kind.typical_bytes));
    }
  }

  static void render_patient_resources(const detail::PatientContext& ctx, NdjsonBlock& out) {
    const record::PatientRecord& record = ctx.record();
    auto line = [&](ResourceType type) -> JsonWriter {
      ++out.count[static_cast<int>(type)];
      return JsonWriter(out.text[static_cast<int>(type)]);
    };
    auto end_line = [&](ResourceType type) { out.text[static_cast<int>(type)].push_back('\n'); };

    JsonWriter patient = line(ResourceType::kPatient);
    render_patient(ctx, patient);
    end_line(ResourceType::kPatient);
    for (const EntryKind& kind : entry_kinds()) {
      const size_t n = kind.count(record);
      for (size_t i = 0; i < n; ++i) {
        JsonWriter w = line(kind.type);
        kind.render(ctx, i, ctx.entry_ref(kind.type, i), w);
        end_line(kind.type);
      }
    }
  }

  void append(ResourceType type, std::string_view text, uint64_t count) {
    if (text.empty()) return;
    const int t = static_cast<int>(type);
    if (!files_[t]) files_[t].emplace(dir_ / (std::string(detail::type_name(type)) + ".ndjson"));
    files_[t]->write(text);
    counts_[t] += count;
  }

  void write_shared() {
    std::string text;
    const auto organizations = sorted_organizations(shared_, shared_ids_.organizations);
    const auto flush = [&](ResourceType type, uint64_t count) {
      append(type, text, count);
      text.clear();
    };
    for (const auto* org : organizations) {
      JsonWriter w(text);
      render_organization(*org, w);
      text.push_back('\n');
    }
    flush(ResourceType::kOrganization, organizations.size());
    for (const auto* org : sorted_locations(organizations)) {
      JsonWriter w(text);
      render_location(*org, w);
      text.push_back('\n');
    }
    flush(ResourceType::kLocation, organizations.size());
    const auto providers = sorted_providers(shared_, shared_ids_.providers);
    for (const auto* provider : providers) {
      JsonWriter w(text);
      render_practitioner(*provider, w);
      text.push_back('\n');
    }
    flush(ResourceType::kPractitioner, providers.size());
  }

  // Locations in order of their own ids (they differ from their organizations' ids).
  static std::vector<const detail::OrganizationEntry*> sorted_locations(
      std::vector<const detail::OrganizationEntry*> orgs) {
    std::sort(orgs.begin(), orgs.end(),
              [](const auto* a, const auto* b) { return a->location.id() < b->location.id(); });
    return orgs;
  }

  fs::path dir_;
  FhirWriteOptions options_;
  detail::SharedIndex shared_;
  std::array<std::optional<AtomicFile>, detail::kResourceTypeCount> files_;
  std::array<uint64_t, detail::kResourceTypeCount> counts_{};
  SharedIds shared_ids_;
  bool finished_ = false;
  mutable std::mutex spare_mutex_;
  mutable std::vector<std::unique_ptr<NdjsonBlock>> spare_;
  mutable std::mutex concepts_mutex_;
  mutable std::vector<std::pair<std::thread::id, std::unique_ptr<detail::ConceptCache>>> concepts_;
};

}  // namespace

std::unique_ptr<record::RecordSink> make_ndjson_sink(const fs::path& dir,
                                                     const record::ProviderDirectory& directory,
                                                     const FhirWriteOptions& options) {
  return std::make_unique<NdjsonSink>(dir, directory, options);
}

}  // namespace fos::fhir
