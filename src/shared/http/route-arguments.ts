import type { ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { getMetadataStorage } from 'class-validator';

/** The route handler's argument of that kind (@Body(), @Query()...), with its position; undefined when it takes none. */
function routeArgument(context: ExecutionContext, type: RouteParamtypes): { index: number } | undefined {
  const args: Record<string, { index: number }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ?? {};
  return Object.entries(args).find(([key]) => key.split(':')[0] === String(type))?.[1];
}

/** Whether the route's handler takes a @Body() (or a @Query()...). */
export function takesArgument(context: ExecutionContext, type: RouteParamtypes): boolean {
  return routeArgument(context, type) !== undefined;
}

/** The fields the route's @Body() DTO declares (its validated properties); none for a route without a body. */
export function bodyFieldsOf(context: ExecutionContext): ReadonlySet<string> {
  const body = routeArgument(context, RouteParamtypes.BODY);
  if (body === undefined) return new Set();
  const types: unknown[] = Reflect.getMetadata('design:paramtypes', context.getClass().prototype, context.getHandler().name) ?? [];
  const dto = types[body.index];
  if (typeof dto !== 'function') return new Set();
  return new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).map((rule) => rule.propertyName));
}
