// Property-based tests are deterministic: one fixed seed for every fast-check run (a test that sets its
// own seed keeps it). Explore new inputs by running with HUB_FUZZ_SEED=<n>; a counterexample found that
// way becomes a regression test of its own (see src/api/routes/tracking/tracking-query-values.test.ts).
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.HUB_FUZZ_SEED ?? 20_261_129) });
