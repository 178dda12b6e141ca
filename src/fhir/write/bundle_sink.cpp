// Bundle layout: one FHIR transaction Bundle per patient, bundles/<patient-id>.json.
//
// Entries have fullUrl "urn:uuid:<id>" and refer to each other by it. The
// patient's own resources are POSTed; the shared Organization, Location and
// Practitioner resources its encounters use are included in every bundle with
// PUT <Type>/<id>, which is idempotent, so loading many bundles into one server
// leaves one copy of each. Bundles are written into a hidden folder that
// finish() renames to bundles/, so an unfinished sink leaves nothing.
#include <array>
#include <string>
#include <system_error>
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
using detail::ResourceRef;
using detail::ResourceType;

struct PatientBundle {
  std::string patient_id;
  std::string json;
};

struct BundleBlock final : record::RenderedBlock {
  std::vector<PatientBundle> bundles;
  std::array<uint64_t, detail::kResourceTypeCount> count{};
};

// Writes the entries of one Bundle and counts them.
class EntryWriter {
 public:
  EntryWriter(JsonWriter& w, BundleBlock& block) : w_(w), block_(block) {}

  // Opens an entry and its "resource" key; the caller writes the resource next.
  void begin(const ResourceRef& ref) {
    w_.begin_object();
    w_.field("fullUrl", JsonPlain{ref.reference()});
    w_.key("resource");
    ++block_.count[static_cast<int>(ref.type())];
  }

  void end_post(const ResourceRef& ref) { end(ref, "POST", false); }
  void end_put(const ResourceRef& ref) { end(ref, "PUT", true); }

 private:
  void end(const ResourceRef& ref, std::string_view method, bool with_id) {
    url_.assign(detail::type_name(ref.type()));
    if (with_id) {
      url_.push_back('/');
      url_.append(ref.id());
    }
    w_.key("request");
    w_.begin_object();
    w_.field("method", method);
    w_.field("url", url_);
    w_.end_object();
    w_.end_object();
  }

  JsonWriter& w_;
  BundleBlock& block_;
  std::string url_;
};

void write_shared_entries(const detail::SharedIndex& index, const detail::PatientContext& ctx,
                          EntryWriter& entries, JsonWriter& w) {
  SharedIds ids;
  ids.add(ctx);
  const auto organizations = sorted_organizations(index, ids.organizations);
  for (const auto* org : organizations) {
    entries.begin(org->ref);
    render_organization(*org, w);
    entries.end_put(org->ref);
  }
  for (const auto* org : organizations) {
    entries.begin(org->location);
    render_location(*org, w);
    entries.end_put(org->location);
  }
  for (const auto* provider : sorted_providers(index, ids.providers)) {
    entries.begin(provider->ref);
    render_practitioner(*provider, w);
    entries.end_put(provider->ref);
  }
}

void write_patient_entries(const detail::PatientContext& ctx, EntryWriter& entries, JsonWriter& w) {
  const record::PatientRecord& record = ctx.record();
  for (const EntryKind& kind : entry_kinds()) {
    const size_t n = kind.count(record);
    for (size_t i = 0; i < n; ++i) {
      const ResourceRef ref = ctx.entry(kind.type, i);
      entries.begin(ref);
      kind.render(ctx, i, ref, w);
      entries.end_post(ref);
    }
  }
}

class BundleSink final : public record::RecordSink {
 public:
  BundleSink(const fs::path& dir, const record::ProviderDirectory& directory)
      : final_dir_(dir / "bundles"),
        partial_dir_(dir / ".bundles.partial"),
        shared_(directory, detail::RefStyle::kUrnUuid) {
    std::error_code ec;
    if (fs::exists(final_dir_, ec)) fail(ErrorKind::kIo, final_dir_.string() + ": already exists");
    fs::remove_all(partial_dir_, ec);
    fs::create_directory(partial_dir_, ec);
    if (ec) fail(ErrorKind::kIo, partial_dir_.string() + ": cannot create: " + ec.message());
  }

  ~BundleSink() override {
    if (finished_) return;
    std::error_code ignored;
    fs::remove_all(partial_dir_, ignored);
  }

  std::unique_ptr<record::RenderedBlock> render(
      std::span<const record::PatientRecord> block) const override {
    auto out = std::make_unique<BundleBlock>();
    out->bundles.reserve(block.size());
    detail::PatientContext ctx(shared_);
    for (const auto& record : block) {
      ctx.load(record);
      PatientBundle bundle;
      bundle.patient_id = ctx.patient().id();
      render_bundle(ctx, *out, bundle.json);
      out->bundles.push_back(std::move(bundle));
    }
    return out;
  }

  void write(std::unique_ptr<record::RenderedBlock> block) override {
    FOS_ASSERT(!finished_);
    auto& b = dynamic_cast<BundleBlock&>(*block);
    for (const auto& bundle : b.bundles) {
      write_file_atomic(partial_dir_ / (bundle.patient_id + ".json"), bundle.json);
    }
    for (int t = 0; t < detail::kResourceTypeCount; ++t) counts_[t] += b.count[t];
    bundles_ += b.bundles.size();
  }

  void finish() override {
    FOS_ASSERT(!finished_);
    std::error_code ec;
    fs::rename(partial_dir_, final_dir_, ec);
    if (ec) fail(ErrorKind::kIo, final_dir_.string() + ": cannot move into place: " + ec.message());
    finished_ = true;
  }

  record::OutputCounts counts() const override {
    record::OutputCounts out;
    if (bundles_ > 0) out["Bundle"] = bundles_;
    for (int t = 0; t < detail::kResourceTypeCount; ++t) {
      if (counts_[t] > 0)
        out[std::string(detail::type_name(static_cast<ResourceType>(t)))] = counts_[t];
    }
    return out;
  }

 private:
  void render_bundle(const detail::PatientContext& ctx, BundleBlock& block,
                     std::string& out) const {
    JsonWriter w(out);
    EntryWriter entries(w, block);
    w.begin_object();
    w.field("resourceType", "Bundle");
    w.field("type", "transaction");
    w.key("entry");
    w.begin_array();
    entries.begin(ctx.patient());
    render_patient(ctx, w);
    entries.end_post(ctx.patient());
    write_shared_entries(shared_, ctx, entries, w);
    write_patient_entries(ctx, entries, w);
    w.end_array();
    w.end_object();
    out.push_back('\n');
  }

  fs::path final_dir_;
  fs::path partial_dir_;
  detail::SharedIndex shared_;
  std::array<uint64_t, detail::kResourceTypeCount> counts_{};
  uint64_t bundles_ = 0;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<record::RecordSink> make_bundle_sink(const fs::path& dir,
                                                     const record::ProviderDirectory& directory,
                                                     const FhirWriteOptions& /*options*/) {
  return std::make_unique<BundleSink>(dir, directory);
}

}  // namespace fos::fhir
