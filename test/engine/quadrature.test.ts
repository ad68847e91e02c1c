import { describe, expect, it } from "vitest";
import { QUADRATURE_RULES, type QuadratureRule } from "../../shared/schema/explanation-vocabulary.js";
import { quadrature } from "../../shared/engine/quadrature.js";

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const integrate = (rule: QuadratureRule, steps: number, f: (x: number) => number) => {
  const q = quadrature(rule, steps);
  return sum(q.alphas.map((a, i) => q.weights[i] * f(a)));
};

describe("quadrature", () => {
  it.each(QUADRATURE_RULES.flatMap((rule) => [1, 2, 7, 64].map((steps) => [rule, steps] as const)))(
    "%s with %i steps has weights that sum to exactly 1",
    (rule, steps) => {
      expect(sum(quadrature(rule, steps).weights)).toBeCloseTo(1, 13);
    },
  );

  it("trapezoid matches the seed notebook: alphas = linspace(0, 1, m + 1), end weights halved", () => {
    const q = quadrature("trapezoid", 4);
    expect(q.alphas).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(q.weights).toEqual([0.125, 0.25, 0.25, 0.25, 0.125]);
  });

  it("riemann rules place nodes at the left, right and middle of each interval", () => {
    expect(quadrature("riemann-left", 4).alphas).toEqual([0, 0.25, 0.5, 0.75]);
    expect(quadrature("riemann-right", 4).alphas).toEqual([0.25, 0.5, 0.75, 1]);
    expect(quadrature("riemann-middle", 4).alphas).toEqual([0.125, 0.375, 0.625, 0.875]);
    expect(quadrature("riemann-middle", 4).weights).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it("gauss-legendre with 2 nodes is (1 ∓ 1/√3)/2 with weights 1/2", () => {
    const q = quadrature("gauss-legendre", 2);
    expect(q.alphas[0]).toBeCloseTo((1 - 1 / Math.sqrt(3)) / 2, 14);
    expect(q.alphas[1]).toBeCloseTo((1 + 1 / Math.sqrt(3)) / 2, 14);
    expect(q.weights[0]).toBeCloseTo(0.5, 14);
    expect(q.weights[1]).toBeCloseTo(0.5, 14);
  });

  it("gauss-legendre with n nodes integrates polynomials of degree 2n − 1 exactly", () => {
    for (const n of [1, 3, 5, 10, 20]) {
      const degree = 2 * n - 1;
      expect(integrate("gauss-legendre", n, (x) => x ** degree)).toBeCloseTo(1 / (degree + 1), 12);
    }
  });

  it("gauss-legendre nodes are sorted, inside (0, 1) and symmetric about 1/2", () => {
    const q = quadrature("gauss-legendre", 33);
    for (let i = 0; i < q.alphas.length; i++) {
      expect(q.alphas[i]).toBeGreaterThan(0);
      expect(q.alphas[i]).toBeLessThan(1);
      if (i > 0) expect(q.alphas[i]).toBeGreaterThan(q.alphas[i - 1]);
      expect(q.alphas[i] + q.alphas[q.alphas.length - 1 - i]).toBeCloseTo(1, 14);
    }
  });

  it("converges at each rule's order on a smooth integrand", () => {
    const f = Math.exp;
    const exact = Math.E - 1;
    const error = (rule: QuadratureRule, steps: number) => Math.abs(integrate(rule, steps, f) - exact);
    expect(error("riemann-left", 10) / error("riemann-left", 20)).toBeCloseTo(2, 0);
    expect(error("trapezoid", 10) / error("trapezoid", 20)).toBeCloseTo(4, 0);
    expect(error("riemann-middle", 10) / error("riemann-middle", 20)).toBeCloseTo(4, 0);
    expect(error("gauss-legendre", 5)).toBeLessThan(1e-10);
  });

  it("rejects an unknown rule and a bad step count by name", () => {
    expect(() => quadrature("simpson" as QuadratureRule, 4)).toThrow(/unknown quadrature rule "simpson"/);
    expect(() => quadrature("trapezoid", 0)).toThrow(/whole number ≥ 1, got 0/);
    expect(() => quadrature("trapezoid", 2.5)).toThrow(/got 2.5/);
  });
});
