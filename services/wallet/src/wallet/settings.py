from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings, dev_database_url
from wallet.adapters.crypto import decode_key
from wallet.domain.withdrawals import SuspicionThresholds, WithdrawalLimits

# Development only (production refuses it): 32 bytes, URL-safe base64.
DEV_DATA_ENCRYPTION_KEY = "ZGV2LW9ubHktd2FsbGV0LWRhdGEta2V5LTMyYnl0ZXM="


class Settings(ServiceSettings):
    """wallet settings: shared variables unprefixed, its own prefixed `WALLET_`."""

    model_config = SettingsConfigDict(env_prefix="WALLET_")
    service_name: ClassVar[str] = "wallet"

    port: int = 8004
    database_url: str = dev_database_url("wallet")
    # One currency per deployment (ISO 4217), given to every wallet opened.
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$")
    # AES-256-GCM key for bank account numbers at rest: 32 bytes, URL-safe base64.
    data_encryption_key: str = DEV_DATA_ENCRYPTION_KEY
    withdrawal_min_minor: int = Field(1_000, gt=0)
    withdrawal_max_minor: int = Field(10_000_000, gt=0)
    withdrawal_daily_limit_minor: int = Field(5_000_000, gt=0)
    # Users may cancel their own pending withdrawal (false where the rules forbid it, e.g. UK).
    withdrawal_user_cancel: bool = True
    idempotency_ttl_h: float = Field(24.0, gt=0)
    suspicious_deposit_window_h: float = Field(24.0, gt=0)
    suspicious_failed_withdrawals: int = Field(3, gt=0)
    suspicious_velocity_count: int = Field(3, gt=0)
    suspicious_velocity_window_min: float = Field(60.0, gt=0)

    # --- Stripe deposits (issue 8): edit only inside this block ---
    # --- end Stripe deposits ---

    # --- reports and statements (issue 9): edit only inside this block ---
    # --- end reports ---

    @field_validator("data_encryption_key")
    @classmethod
    def _key_is_32_bytes(cls, value: str) -> str:
        decode_key(value)
        return value

    def weak_secrets(self) -> list[str]:
        weak = super().weak_secrets()
        if self.data_encryption_key == DEV_DATA_ENCRYPTION_KEY:
            weak.append("WALLET_DATA_ENCRYPTION_KEY")
        return weak

    @property
    def withdrawal_limits(self) -> WithdrawalLimits:
        return WithdrawalLimits(
            min_minor=self.withdrawal_min_minor,
            max_minor=self.withdrawal_max_minor,
            daily_minor=self.withdrawal_daily_limit_minor,
        )

    @property
    def suspicion_thresholds(self) -> SuspicionThresholds:
        return SuspicionThresholds(
            deposit_window=timedelta(hours=self.suspicious_deposit_window_h),
            failed_withdrawals=self.suspicious_failed_withdrawals,
            velocity_count=self.suspicious_velocity_count,
            velocity_window=timedelta(minutes=self.suspicious_velocity_window_min),
        )
