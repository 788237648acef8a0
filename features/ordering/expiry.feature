Feature: Unpaid orders expire
  Stock reserved by an order that is never paid must go back on sale. A pending order not
  paid within 30 minutes expires: it is cancelled and its stock is released. A background
  job sweeps expired orders regularly; paid orders are never touched.

  Background:
    Given the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    And a verified customer "ana@example.com"
    And she is signed in
    And she has ordered 2 "Blue Mug"

  Scenario: An order not paid within 30 minutes expires and its stock is released
    When 31 minutes pass and expired orders are swept
    Then the order is "cancelled"
    And "Blue Mug" has 10 in stock

  Scenario: An order still within its 30 minutes stays pending
    When 29 minutes pass and expired orders are swept
    Then the order is "pending"
    And "Blue Mug" has 8 in stock

  Scenario: Starting to pay does not stop the clock
    Given she has started to pay for her order
    When 31 minutes pass and expired orders are swept
    Then the order is "cancelled"
    And "Blue Mug" has 10 in stock

  Scenario: Paid orders never expire
    Given she has paid for her order
    When 2 days pass and expired orders are swept
    Then the order is "paid"
    And "Blue Mug" has 8 in stock

  Scenario: An expired order can no longer be paid
    Given 31 minutes pass and expired orders are swept
    And she is signed in
    When she pays for her order
    Then the request is refused as a conflict

  Scenario: A payment that arrives after the order expired does not revive it
    Given she has started to pay for her order
    And 31 minutes pass and expired orders are swept
    When the payment provider confirms the payment
    Then the order is "cancelled"
    And "Blue Mug" has 10 in stock
    And no order confirmation email is sent to "ana@example.com"
