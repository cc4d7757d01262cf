/* Shared by the kernel programs and, later, mirrored by the TypeScript record decoders. */
#ifndef TELEPORT_BPF_COMMON_H
#define TELEPORT_BPF_COMMON_H

#endif
