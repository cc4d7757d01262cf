// N-API addon over libbpf. Every libbpf failure becomes a JS Error naming the object or program,
// libbpf's errno text, and the last lines libbpf logged (the verifier's verdict when a program
// is rejected).
//
// addon.cc: module init and libbpfVersion; engine.cc: Engine (the session object with its ring
// buffer poller); layout.cc: recordLayout/recordConstants; libbpf_util.cc: shared helpers.

#include <napi.h>

#include <bpf/libbpf.h>

#include <string>

#include "engine.h"
#include "libbpf_util.h"

namespace {

Napi::Value LibbpfVersion(const Napi::CallbackInfo& info) {
  // The runtime library's version, which is what actually loads the programs.
  std::string version = std::to_string(libbpf_major_version()) + "." + std::to_string(libbpf_minor_version());
  return Napi::String::New(info.Env(), version);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  teleport::InstallLibbpfLog();
  exports.Set("libbpfVersion", Napi::Function::New<LibbpfVersion>(env, "libbpfVersion"));
  exports.Set("Engine", teleport::DefineEngine(env));
  exports.Set("recordLayout", Napi::Function::New<teleport::RecordLayout>(env, "recordLayout"));
  exports.Set("recordConstants", Napi::Function::New<teleport::RecordConstants>(env, "recordConstants"));
  return exports;
}

}  // namespace

NODE_API_MODULE(teleport_bpf, Init)
