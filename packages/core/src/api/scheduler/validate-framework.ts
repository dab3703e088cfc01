// Stateless FrameworkInfo checks Mesos makes on SUBSCRIBE and UPDATE_FRAMEWORK
// (master/validation.cpp framework::validate, validateSuppressedRoles, validateOfferConstraintsRoles).
import { roleProblem } from "../../resources/index.js";
import type * as m from "../mesos/index.js";
import { frameworkRoles, hasCapability } from "../mesos/index.js";
import { fieldError, type PathSegment } from "../proto-json.js";
import { idProblem } from "../validation/ids.js";
import type { Subscribe } from "./call.js";

/** Largest |seconds| a Mesos Duration (int64 nanoseconds) can hold. */
const MAX_DURATION_SECONDS = 9223372036.854775;

export function validateFrameworkInfo(info: m.FrameworkInfo, at: readonly PathSegment[]): void {
  if (info.id !== undefined && info.id.value !== "") {
    const problem = idProblem(info.id.value);
    if (problem) throw fieldError([...at, "id", "value"], problem);
  }

  if (hasCapability(info, "MULTI_ROLE")) {
    if (info.role !== undefined) {
      throw fieldError([...at, "role"], "must not be set when the framework is MULTI_ROLE capable; use roles");
    }
    const seen = new Set<string>();
    (info.roles ?? []).forEach((role, i) => {
      if (seen.has(role)) throw fieldError([...at, "roles", i], `duplicate role ${JSON.stringify(role)}`);
      seen.add(role);
      const problem = roleProblem(role);
      if (problem) throw fieldError([...at, "roles", i], problem);
    });
  } else {
    if ((info.roles ?? []).length > 0) {
      throw fieldError([...at, "roles"], "must not be set unless the framework has the MULTI_ROLE capability");
    }
    const problem = roleProblem(info.role ?? "*");
    if (problem) throw fieldError([...at, "role"], problem);
  }

  const timeout = info.failover_timeout;
  if (timeout !== undefined && !(Math.abs(timeout) <= MAX_DURATION_SECONDS)) {
    throw fieldError([...at, "failover_timeout"], `${timeout} seconds is out of range`);
  }

  for (const [role, filters] of Object.entries(info.offer_filters ?? {})) {
    (filters.min_allocatable_resources?.quantities ?? []).forEach((q, i) => {
      for (const [name, scalar] of Object.entries(q.quantities ?? {})) {
        if (scalar.value < 0) {
          throw fieldError(
            [...at, "offer_filters", role, "min_allocatable_resources", "quantities", i, "quantities", name, "value"],
            `must not be negative, got ${scalar.value}`,
          );
        }
      }
    });
  }
}

/** SUBSCRIBE / UPDATE_FRAMEWORK: the framework info, and the roles the other fields refer to. */
export function validateSubscribeBody(body: Subscribe, at: readonly PathSegment[]): void {
  validateFrameworkInfo(body.framework_info, [...at, "framework_info"]);
  const roles = new Set(frameworkRoles(body.framework_info));
  (body.suppressed_roles ?? []).forEach((role, i) => {
    if (!roles.has(role)) {
      throw fieldError([...at, "suppressed_roles", i], `role ${JSON.stringify(role)} is not one of the framework's roles`);
    }
  });
  for (const role of Object.keys(body.offer_constraints?.role_constraints ?? {})) {
    if (!roles.has(role)) {
      throw fieldError(
        [...at, "offer_constraints", "role_constraints", role],
        `role ${JSON.stringify(role)} is not one of the framework's roles`,
      );
    }
  }
}
