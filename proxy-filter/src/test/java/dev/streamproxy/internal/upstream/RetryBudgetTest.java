package dev.streamproxy.internal.upstream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryBudgetTest {

    @Test
    void atLeastThreeRetriesInFlightWhateverTheTraffic() {
        RetryBudget budget = new RetryBudget();
        budget.exchangeStarted();
        assertTrue(budget.tryStartRetry(0));
        assertTrue(budget.tryStartRetry(0));
        assertTrue(budget.tryStartRetry(0));
        assertFalse(budget.tryStartRetry(0));
        budget.retryEnded();
        assertTrue(budget.tryStartRetry(0));
        assertEquals(3, budget.retriesInFlight());
    }

    @Test
    void aFifthOfTheExchangesInFlightUnderLoad() {
        RetryBudget budget = new RetryBudget();
        for (int i = 0; i < 100; i++) {
            budget.exchangeStarted();
        }
        int granted = 0;
        while (budget.tryStartRetry(0)) {
            granted++;
        }
        assertEquals(20, granted);
    }

    @Test
    void aRetryThatFindsTheBudgetFullWaitsForASlotAndGetsItWhenOneEnds() throws Exception {
        RetryBudget budget = new RetryBudget();
        budget.exchangeStarted();
        for (int i = 0; i < 3; i++) {
            assertTrue(budget.tryStartRetry(0));
        }
        java.util.concurrent.CompletableFuture<Boolean> waiting =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> budget.tryStartRetry(30_000));
        org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.TimeoutException.class,
                () -> waiting.get(100, java.util.concurrent.TimeUnit.MILLISECONDS), "it must wait while full");
        budget.retryEnded();
        assertTrue(waiting.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(3, budget.retriesInFlight());
    }

    @Test
    void aRetryThatWaitsInVainIsRefused() {
        RetryBudget budget = new RetryBudget();
        for (int i = 0; i < 3; i++) {
            assertTrue(budget.tryStartRetry(0));
        }
        long start = System.nanoTime();
        assertFalse(budget.tryStartRetry(50));
        assertTrue(System.nanoTime() - start >= 50_000_000L, "gave up before its wait");
    }
}
