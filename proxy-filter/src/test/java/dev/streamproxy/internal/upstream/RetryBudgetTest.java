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
        assertTrue(budget.tryStartRetry());
        assertTrue(budget.tryStartRetry());
        assertTrue(budget.tryStartRetry());
        assertFalse(budget.tryStartRetry());
        budget.retryEnded();
        assertTrue(budget.tryStartRetry());
        assertEquals(3, budget.retriesInFlight());
    }

    @Test
    void aFifthOfTheExchangesInFlightUnderLoad() {
        RetryBudget budget = new RetryBudget();
        for (int i = 0; i < 100; i++) {
            budget.exchangeStarted();
        }
        int granted = 0;
        while (budget.tryStartRetry()) {
            granted++;
        }
        assertEquals(20, granted);
    }
}
