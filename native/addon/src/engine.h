// The session engine (engine.cc) and the record layout exports (layout.cc).
#ifndef TELEPORT_ADDON_ENGINE_H
#define TELEPORT_ADDON_ENGINE_H

#include <napi.h>

namespace teleport {

// The Engine class: see engine.cc and src/bpf/addon.ts (NativeEngine).
Napi::Function DefineEngine(Napi::Env env);

// recordLayout(): { [struct]: { size, offsets: { [field]: offset } } } from common.h.
Napi::Value RecordLayout(const Napi::CallbackInfo& info);

// recordConstants(): { [name]: value } of common.h's #defines and record kinds.
Napi::Value RecordConstants(const Napi::CallbackInfo& info);

}  // namespace teleport

#endif
