// Shared by the addon's classes: libbpf log capture, the errors thrown to JS, map access helpers.
#ifndef TELEPORT_ADDON_LIBBPF_UTIL_H
#define TELEPORT_ADDON_LIBBPF_UTIL_H

#include <napi.h>

#include <bpf/libbpf.h>

#include <string>

namespace teleport {

// Routes libbpf's messages into the kept log (call once, at module init).
void InstallLibbpfLog();

// Forgets the kept log lines: call before a libbpf operation whose failure will quote them.
void ResetLog();

// A JS Error "<what>: <errno text><hint>" followed by the last lines libbpf logged (the
// verifier's verdict when a program is rejected), with `errno` and `libbpfLog` properties.
// err: errno (either sign).
Napi::Error LibbpfError(Napi::Env env, const std::string& what, int err, const std::string& hint = "");

// Why attaching the program of SEC(section) may have failed with err (" (are you root?)" ...).
std::string AttachHint(const std::string& section, int err);

// " (are you root?)" for EPERM, else "".
std::string LoadHint(int err);

bool StartsWith(const std::string& s, const char* prefix);

// The map `name` of obj; throws an Error naming it and `owner` (the object path) when absent.
bpf_map* FindMap(Napi::Env env, bpf_object* obj, const std::string& owner, const std::string& name);

// Value `index` of the BPF_MAP_TYPE_ARRAY map `name` whose values are u64, as a bigint.
Napi::Value ReadArrayU64(Napi::Env env, bpf_object* obj, const std::string& owner, const Napi::Value& name_arg,
                         const Napi::Value& index_arg);

}  // namespace teleport

#endif
