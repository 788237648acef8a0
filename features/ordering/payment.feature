Feature: Paying for an order
  The customer pays a pending order through the payment provider. The provider tells the
  store whether the payment went through; only a confirmation for the right amount marks the
  order paid and sends the confirmation email. The provider may deliver the same news more
  than once, and it changes the order only once.

  Background:
    Given the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    And a verified customer "ana@example.com"
    And she is signed in
    And she has ordered 2 "Blue Mug"

  Scenario: Starting to pay asks for the order total
    When she pays for her order
    Then the request succeeds
    And she is asked to pay $18.00

  Scenario: Starting to pay twice gives the same payment
    When she pays for her order
    And she pays for her order again
    Then both attempts returned the same payment

  Scenario: A successful payment marks the order paid and confirms it by email
    Given she has started to pay for her order
    When the payment provider confirms the payment
    Then the order is "paid"
    And an order confirmation email is sent to "ana@example.com"

  Scenario: A failed payment leaves the order pending
    Given she has started to pay for her order
    When the payment provider reports the payment failed
    Then the order is "pending"
    And no order confirmation email is sent to "ana@example.com"

  Scenario: A success after a failure still pays the order
    Given she has started to pay for her order
    And the payment provider has reported the payment failed
    When she pays for her order again
    And the payment provider confirms the payment
    Then the order is "paid"
    And 1 order confirmation email has been sent to "ana@example.com"

  Scenario: The same confirmation delivered twice changes nothing the second time
    Given she has started to pay for her order
    When the payment provider confirms the payment
    And the payment provider confirms the payment again
    Then the order is "paid"
    And 1 order confirmation email has been sent to "ana@example.com"

  Scenario: A late failure does not undo a success
    Given she has started to pay for her order
    And the payment provider has confirmed the payment
    When the payment provider reports the payment failed
    Then the order is "paid"

  Scenario: A confirmation for the wrong amount is not applied
    Given she has started to pay for her order
    When the payment provider confirms a payment of $1.00
    Then the order is "pending"
    And no order confirmation email is sent to "ana@example.com"

  Scenario: A paid order cannot be paid again
    Given she has paid for her order
    When she pays for her order
    Then the request is refused as a conflict

  Scenario: Shipping emails the customer
    Given she has paid for her order
    And an admin "root@example.com"
    And the admin is signed in
    When the admin ships the order
    Then a shipping email is sent to "ana@example.com"

  Scenario: Refunding emails the customer
    Given she has paid for her order
    And an admin "root@example.com"
    And the admin is signed in
    When the admin refunds the order
    Then the order is "refunded"
    And a refund email is sent to "ana@example.com"
