import type { Container, ServiceIdentifier } from 'inversify';
import type { Token } from '../application/ports/tokens';

/** What the container resolves to a T: a port's token, or a class bound to itself. */
export type Id<T> = Token<T> | (abstract new (...args: never[]) => T);

/** One identifier per parameter of a factory, in its order, each resolving to that parameter's type. */
export type Ids<Args extends readonly unknown[]> = { readonly [K in keyof Args]: Id<Args[K]> };

type Class = new (...args: never[]) => unknown;

/*
 * Inversify types every identifier as any symbol or function, whatever it resolves to, and the
 * tokens of a factory as a list that may disagree with its parameters. These bind through it with
 * the types checked: a value, a factory or a class must be what its identifier names, and each
 * dependency what the parameter in its place takes.
 */

export function bindValue<T>(container: Container, id: Id<T>, value: NoInfer<T>): void {
  container.bind(id as ServiceIdentifier<T>).toConstantValue(value);
}

/** Binds `id` to what `factory` makes of the values of `dependencies`, in their order. */
export function bindFactory<T, Args extends unknown[]>(
  container: Container,
  id: Id<T>,
  dependencies: readonly [...Ids<Args>],
  factory: (...args: NoInfer<Args>) => NoInfer<T>,
): void {
  container
    .bind(id as ServiceIdentifier<T>)
    .toResolvedValue(factory as (...args: unknown[]) => T, [
      ...(dependencies as readonly ServiceIdentifier[]),
    ]);
}

/** Binds a class to an instance of itself, built from `dependencies`, one per constructor parameter. */
export function bindClass<C extends Class>(
  container: Container,
  service: C,
  dependencies: Ids<ConstructorParameters<C>>,
): void {
  bindFactory(
    container,
    service as Id<InstanceType<C>>,
    dependencies as readonly Id<unknown>[],
    (...args) => new service(...(args as ConstructorParameters<C>)) as InstanceType<C>,
  );
}

/** What the container holds for `id`, typed as the identifier names it. */
export function resolve<T>(container: Container, id: Id<T>): T {
  return container.get<T>(id as ServiceIdentifier<T>);
}
