#!/usr/bin/python3
"""A gRPC server (Debian's python3-grpcio, gRPC's own C core) that speaks grpc.health.v1.Health/Check
as gRPC's health checking protocol defines it (grpc/grpc doc/health-checking.md): the overall
server ("") and "qdrant" are SERVING, "draining" is NOT_SERVING, any other service is NOT_FOUND.
Messages are handled as raw protobuf bytes, so no generated code is needed.

usage: grpc_health_server.py PORT   (prints "ready" once it listens on 127.0.0.1:PORT)
"""
import sys
from concurrent import futures

import grpc

STATUS = {"": 1, "qdrant": 1, "draining": 2}


def service_of(request: bytes) -> str:
    # HealthCheckRequest { string service = 1; }: tag 0x0a, a one-byte length, the bytes.
    if len(request) >= 2 and request[0] == 0x0A:
        return request[2 : 2 + request[1]].decode("utf-8", "replace")
    return ""


def check(request: bytes, context) -> bytes:
    service = service_of(request)
    if service not in STATUS:
        context.abort(grpc.StatusCode.NOT_FOUND, "unknown service")
    return bytes([0x08, STATUS[service]])  # HealthCheckResponse { status = 1; }


def main() -> None:
    port = int(sys.argv[1])
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    handler = grpc.method_handlers_generic_handler(
        "grpc.health.v1.Health", {"Check": grpc.unary_unary_rpc_method_handler(check)}
    )
    server.add_generic_rpc_handlers((handler,))
    server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    print("ready", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
