// N-API addon over libbpf: open and load a BPF object, attach its programs, read its maps.
// Every libbpf failure becomes a JS Error naming the object or program, libbpf's errno text,
// and the last lines libbpf logged (the verifier's verdict when a program is rejected).
//
// addon.cc: module init and BpfObject; engine.cc: Engine (the session object with its ring
// buffer poller); layout.cc: recordLayout/recordConstants; libbpf_util.cc: shared helpers.

#include <napi.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine.h"
#include "libbpf_util.h"

namespace {

using teleport::AttachHint;
using teleport::LibbpfError;
using teleport::ResetLog;

class BpfObject : public Napi::ObjectWrap<BpfObject> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "BpfObject",
                       {
                           InstanceMethod<&BpfObject::Attach>("attach"),
                           InstanceMethod<&BpfObject::ReadArrayU64>("readArrayU64"),
                           InstanceMethod<&BpfObject::Close>("close"),
                           InstanceAccessor<&BpfObject::GetPath>("path"),
                           InstanceAccessor<&BpfObject::GetClosed>("closed"),
                       });
  }

  // new BpfObject(path): opens and loads the object (programs verified, maps created).
  explicit BpfObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<BpfObject>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsString()) {
      throw Napi::TypeError::New(env, "BpfObject: path must be a string");
    }
    path_ = info[0].As<Napi::String>().Utf8Value();
    if (path_.empty()) throw Napi::TypeError::New(env, "BpfObject: path must not be empty");

    ResetLog();
    bpf_object* obj = bpf_object__open_file(path_.c_str(), nullptr);
    if (obj == nullptr) {
      int err = errno;
      throw LibbpfError(env, "failed to open BPF object " + path_, err);
    }
    int err = bpf_object__load(obj);
    if (err != 0) {
      // Take the log before closing: closing may log too and would bury the verifier's lines.
      Napi::Error error =
          LibbpfError(env, "failed to load BPF object " + path_, err, teleport::LoadHint(err));
      bpf_object__close(obj);
      throw error;
    }
    obj_ = obj;
  }

  ~BpfObject() override { Release(); }

 private:
  // Attaches every program of the object where its SEC() says; all or nothing.
  Napi::Value Attach(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    if (!links_.empty()) throw Napi::Error::New(env, "programs of BPF object " + path_ + " are already attached");
    ResetLog();
    bpf_program* prog = nullptr;
    bpf_object__for_each_program(prog, obj_) {
      bpf_link* link = bpf_program__attach(prog);
      if (link == nullptr) {
        int err = errno;
        DestroyLinks();
        std::string section = bpf_program__section_name(prog);
        throw LibbpfError(env,
                          "failed to attach BPF program '" + std::string(bpf_program__name(prog)) + "' (SEC \"" +
                              section + "\") of " + path_,
                          err, AttachHint(section, err));
      }
      links_.push_back(link);
    }
    return env.Undefined();
  }

  // readArrayU64(mapName, index): a u64 value of a BPF_MAP_TYPE_ARRAY map, as a bigint.
  Napi::Value ReadArrayU64(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    return teleport::ReadArrayU64(env, obj_, path_, info[0], info[1]);
  }

  // Detaches the programs and frees the object; calling it again is harmless.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    Release();
    return info.Env().Undefined();
  }

  Napi::Value GetPath(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), path_); }

  Napi::Value GetClosed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), obj_ == nullptr); }

  void RequireOpen(Napi::Env env) const {
    if (obj_ == nullptr) throw Napi::Error::New(env, "BPF object " + path_ + " is closed");
  }

  void DestroyLinks() {
    for (bpf_link* link : links_) bpf_link__destroy(link);
    links_.clear();
  }

  // Also runs from the GC finalizer (destructor), so it must not touch JS.
  void Release() {
    DestroyLinks();
    if (obj_ != nullptr) {
      bpf_object__close(obj_);
      obj_ = nullptr;
    }
  }

  std::string path_;
  bpf_object* obj_ = nullptr;
  std::vector<bpf_link*> links_;
};

Napi::Value LibbpfVersion(const Napi::CallbackInfo& info) {
  // The runtime library's version, which is what actually loads the programs.
  std::string version = std::to_string(libbpf_major_version()) + "." + std::to_string(libbpf_minor_version());
  return Napi::String::New(info.Env(), version);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  teleport::InstallLibbpfLog();
  exports.Set("libbpfVersion", Napi::Function::New<LibbpfVersion>(env, "libbpfVersion"));
  exports.Set("BpfObject", BpfObject::Define(env));
  exports.Set("Engine", teleport::DefineEngine(env));
  exports.Set("recordLayout", Napi::Function::New<teleport::RecordLayout>(env, "recordLayout"));
  exports.Set("recordConstants", Napi::Function::New<teleport::RecordConstants>(env, "recordConstants"));
  return exports;
}

}  // namespace

NODE_API_MODULE(teleport_bpf, Init)
