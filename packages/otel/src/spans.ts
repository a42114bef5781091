/**
 * One span per computation, from the `cache-resource:compute` tracing channel. The span starts
 * at `start` in the caller's context (so it is a child of the request that missed) and ends at
 * `end` when the computation finished synchronously, else at `asyncEnd` when its promise settled.
 */
import { context, SpanKind, SpanStatusCode, type Histogram, type Span, type Tracer } from "@opentelemetry/api";
import type { ComputeContext } from "cache-resource";
import { FUNCTION, errorType } from "./metrics.js";

export interface ComputeTracer {
  /** Subscribers for the five channels of the tracing channel, by event name. */
  readonly handlers: {
    readonly start: (message: ComputeContext) => void;
    readonly end: (message: ComputeContext) => void;
    readonly asyncEnd: (message: ComputeContext) => void;
    readonly error: (message: ComputeContext) => void;
  };
}

export function createComputeTracer(tracer: Tracer, duration: Histogram): ComputeTracer {
  // The context object is the same for every event of one computation: the span hangs off it.
  const spans = new WeakMap<ComputeContext, Span>();

  const finish = (message: ComputeContext) => {
    const span = spans.get(message);
    if (span === undefined) return; // started before instrument() was called
    spans.delete(message);
    const failed = message.error !== undefined;
    if (message.durationMs !== undefined) {
      duration.record(message.durationMs / 1000, {
        [FUNCTION]: message.functionName,
        ...(failed && { "error.type": errorType(message.error) }),
      });
    }
    span.end();
  };

  return {
    handlers: {
      start(message) {
        const span = tracer.startSpan(
          `compute ${message.functionName}`,
          {
            kind: SpanKind.INTERNAL,
            attributes: {
              [FUNCTION]: message.functionName,
              "cache_resource.key_kind": message.keyKind,
              "cache_resource.trigger": message.trigger,
            },
          },
          context.active(),
        );
        spans.set(message, span);
      },
      // `durationMs` is set at `end` only when the computation finished synchronously.
      end: (message) => {
        if (message.durationMs !== undefined) finish(message);
      },
      asyncEnd: finish,
      error(message) {
        const span = spans.get(message);
        if (span === undefined) return;
        const error = message.error;
        span.recordException(error instanceof Error ? error : String(error));
        span.setAttribute("error.type", errorType(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      },
    },
  };
}

