const BRANDS = Symbol.for('trainwire.error.brands');

/** The brands carried by an error instance: the `brand` of each class in its chain. */
export function brandsOf(value: unknown): readonly string[] | undefined {
  const brands = (value as Record<symbol, unknown> | null | undefined)?.[BRANDS];
  return Array.isArray(brands) ? brands : undefined;
}

/** Stamp `instance` with the brand of every class from `constructor` up its prototype chain. */
export function stampBrands(instance: object, errorClass: Function): void {
  const brands: string[] = [];
  for (let current = errorClass; typeof current === 'function'; current = Object.getPrototypeOf(current)) {
    if (Object.hasOwn(current, 'brand')) brands.push((current as unknown as { brand: string }).brand);
  }
  Object.defineProperty(instance, BRANDS, { value: brands });
}

/**
 * `instanceof` that also holds for errors made by another loaded copy of `@trainwire/core`: an
 * instance matches a class when it carries that class's own `brand`.
 */
export function hasBrand(errorClass: Function, value: unknown): boolean {
  return (
    Function.prototype[Symbol.hasInstance].call(errorClass, value) ||
    (Object.hasOwn(errorClass, 'brand') && Boolean(brandsOf(value)?.includes((errorClass as unknown as { brand: string }).brand)))
  );
}
